//! Path, query and header parameters written in every OpenAPI 3.0 `style`:
//! what each style writes, and why, is documented on [`Style`], the public
//! entry point of this private module.

use std::fmt;

use serde::ser::{self, Impossible, Serialize, SerializeMap, SerializeSeq, SerializeStruct, Serializer};

use crate::encode::{encode_query_component, MAX_URL_BYTES};
use crate::Error;

/// How a parameter is written: OpenAPI's `style`, with `explode` passed beside it.
///
/// A value (anything [`Serialize`]: a generated struct, a `Vec`, a map, a
/// string, number, bool or enum) is flattened to a scalar, a list of scalars
/// or an object of scalar members, and written the way OpenAPI 3.0.3's
/// [Style Examples](https://spec.openapis.org/oas/v3.0.3#style-examples) show,
/// for `color` = `"blue"`, `["blue", "black", "brown"]` and
/// `{"R": 100, "G": 200, "B": 150}` (`B` is left out below for width):
///
/// | style            | explode | `"blue"`      | array                                 | object                                |
/// |------------------|---------|---------------|---------------------------------------|---------------------------------------|
/// | `simple`         | false   | `blue`        | `blue,black,brown`                    | `R,100,G,200`                         |
/// | `simple`         | true    | `blue`        | `blue,black,brown`                    | `R=100,G=200`                         |
/// | `label`          | false   | `.blue`       | `.blue.black.brown`                   | `.R.100.G.200`                        |
/// | `label`          | true    | `.blue`       | `.blue.black.brown`                   | `.R=100.G=200`                        |
/// | `matrix`         | false   | `;color=blue` | `;color=blue,black,brown`             | `;color=R,100,G,200`                  |
/// | `matrix`         | true    | `;color=blue` | `;color=blue;color=black;color=brown` | `;R=100;G=200`                        |
/// | `form`           | false   | `color=blue`  | `color=blue,black,brown`              | `color=R,100,G,200`                   |
/// | `form`           | true    | `color=blue`  | `color=blue&color=black&color=brown`  | `R=100&G=200`                         |
/// | `spaceDelimited` | false   | `color=blue`* | `color=blue%20black%20brown`          | `color=R%20100%20G%20200`             |
/// | `pipeDelimited`  | false   | `color=blue`* | `color=blue%7Cblack%7Cbrown`          | `color=R%7C100%7CG%7C200`             |
/// | `spaceDelimited`, `pipeDelimited` | true | as `form`* | as `form`*                 | as `form`*                            |
/// | `deepObject`     | either* | `color=blue`* | `color=blue&color=black&color=brown`* | `color[R]=100&color[G]=200`           |
///
/// The empty string is written `;color` (`matrix`, as RFC 6570 does), `color=`
/// (`form`), `.` (`label`, refused in a path, below) and nothing (`simple`). Cells marked * are `n/a` in
/// the specification: there the style's `form` spelling (exploded, for
/// `deepObject`) is written, since each has one obvious meaning; `deepObject`
/// ignores `explode`, whose default (false) the table does not cover. The
/// 3.0.3 table leaves `color=` out of its `spaceDelimited` and `pipeDelimited`
/// rows; 3.1.1 corrected that.
///
/// # Encoding
///
/// Every name, key and item is percent-encoded with the set of
/// [`encode_path_segment`](crate::encode_path_segment) (everything but RFC 3986
/// unreserved characters), the delimiters a style adds are not: so `a,b` stays
/// one item, `a%2Cb`, and no value can add a parameter or a path segment.
/// `pipeDelimited` joins with `%7C` rather than the table's `|`, which RFC 3986
/// does not allow in a URL and strict servers refuse. `deepObject` writes its
/// brackets literally, as the table and the bracket-parsing servers (PHP, Rack,
/// `qs`) expect; that is safe, since a bracket inside a name or key is escaped
/// (`%5B`), and the URL parser and `http::Uri` keep them as they are.
///
/// Header values are not percent-encoded (a header is no URL, and a scalar is
/// sent exactly as [`Request::header`](crate::Request::header) sends it).
///
/// # What is refused
///
/// An [`Error::InvalidRequest`] naming the parameter and the style, and never
/// quoting the value, is returned for:
/// - an array or object inside an array or object (OpenAPI 3.0 defines none,
///   not even for `deepObject`; servers disagree between `a[b][c]`, `a[]` and
///   `a[0]`), and a null item of an array;
/// - an item of an array or object that holds a delimiter the server cannot
///   tell from the style's own: `.` for `label` (unreserved: `%2E` means `.`),
///   a space for `spaceDelimited`, `|` for `pipeDelimited`, `,` in a header;
/// - a path value that would be an empty segment, `.` or `..` (URL parsers
///   resolve them and the request would reach another resource): the empty
///   string in `simple` and `label`, `".."` in `simple`, `"."` in `label`;
/// - a text longer than a whole URL may be;
/// - a style of another location (`form` for a path parameter).
///
/// # Nothing
///
/// A null (`None`, `()`), an empty array and an object without non-null
/// members write nothing, as RFC 6570 treats them as undefined: an empty query
/// fragment, no header, and (a path parameter is required) a refusal. Null
/// members of an object (optional fields that are `None`) are left out. Struct
/// fields keep their declaration order; map entries are sorted by key, so that
/// a `HashMap` gives the same URL every time.
///
/// # Example
///
/// ```
/// use cloudsdk_runtime::{header_styled, path_styled, query_styled, Style};
///
/// assert_eq!(path_styled("id", Style::Simple, false, "a/b")?, "a%2Fb");
/// assert_eq!(query_styled("ids", Style::Form, true, &[1, 2])?, "ids=1&ids=2");
/// assert_eq!(query_styled("ids", Style::Form, true, &None::<Vec<u32>>)?, "");
/// assert_eq!(header_styled("x-tags", false, &["a", "b"])?.as_deref(), Some("a,b"));
/// # Ok::<(), cloudsdk_runtime::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// `blue,black,brown`: path (the default) and header.
    Simple,
    /// `.blue.black.brown`: path.
    Label,
    /// `;color=blue,black,brown`: path.
    Matrix,
    /// `color=blue,black,brown`: query (the default, exploded by default).
    Form,
    /// `color=blue%20black%20brown`: query.
    SpaceDelimited,
    /// `color=blue%7Cblack%7Cbrown`: query.
    PipeDelimited,
    /// `color[R]=100&color[G]=200`: query, objects.
    DeepObject,
}

impl Style {
    /// OpenAPI's default for `explode`: true for `form`, false for every other style.
    pub const fn default_explode(self) -> bool {
        matches!(self, Style::Form)
    }

    /// The name OpenAPI spells, used in messages.
    const fn as_str(self) -> &'static str {
        match self {
            Style::Simple => "simple",
            Style::Label => "label",
            Style::Matrix => "matrix",
            Style::Form => "form",
            Style::SpaceDelimited => "spaceDelimited",
            Style::PipeDelimited => "pipeDelimited",
            Style::DeepObject => "deepObject",
        }
    }
}

impl fmt::Display for Style {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text of path parameter `name` in `style` (`Simple`, `Label` or
/// `Matrix`), percent-encoded, to put in place of `{name}` in the path.
///
/// Never an empty segment, `.` or `..`, and never holds a `/`.
pub fn path_styled(
    name: &str,
    style: Style,
    explode: bool,
    value: &(impl Serialize + ?Sized),
) -> Result<String, Error> {
    let param = Param { place: Place::Path, name, style, explode };
    let text = param.write(value)?;
    if matches!(text.as_str(), "" | "." | "..") {
        return Err(param.refused(format!("must not be empty, `.` or `..` (got {text:?})")));
    }
    Ok(text)
}

/// The percent-encoded query fragment (`a=1&a=2`, no leading `&`) of query
/// parameter `name` in `style` (`Form`, `SpaceDelimited`, `PipeDelimited` or
/// `DeepObject`); empty when there is nothing to append (a null value, an
/// empty array).
pub fn query_styled(
    name: &str,
    style: Style,
    explode: bool,
    value: &(impl Serialize + ?Sized),
) -> Result<String, Error> {
    Param { place: Place::Query, name, style, explode }.write(value)
}

/// The value of header parameter `name` (style `simple`), not yet checked as a
/// header value (pass it to [`Request::header`](crate::Request::header)).
///
/// `None` when no header is to be sent (a null value, an empty array), which
/// an empty string could not tell from a value that is the empty string.
pub fn header_styled(name: &str, explode: bool, value: &(impl Serialize + ?Sized)) -> Result<Option<String>, Error> {
    let param = Param { place: Place::Header, name, style: Style::Simple, explode };
    let shape = param.shape(value)?;
    if matches!(shape, Shape::Absent) {
        return Ok(None);
    }
    param.finish(&shape).map(Some)
}

/// Where a parameter goes: decides the styles allowed and the escaping.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Path,
    Query,
    Header,
}

impl Place {
    fn allows(self, style: Style) -> bool {
        use Style::*;
        match self {
            Place::Path => matches!(style, Simple | Label | Matrix),
            Place::Query => matches!(style, Form | SpaceDelimited | PipeDelimited | DeepObject),
            Place::Header => style == Simple,
        }
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Place::Path => "path",
            Place::Query => "query",
            Place::Header => "header",
        })
    }
}

/// One parameter being written: what its messages name.
struct Param<'a> {
    place: Place,
    name: &'a str,
    style: Style,
    explode: bool,
}

impl Param<'_> {
    /// The whole text, possibly empty (nothing to write).
    fn write(&self, value: &(impl Serialize + ?Sized)) -> Result<String, Error> {
        let shape = self.shape(value)?;
        self.finish(&shape)
    }

    /// `value` flattened, or why it cannot be written.
    fn shape(&self, value: &(impl Serialize + ?Sized)) -> Result<Shape, Error> {
        if !self.place.allows(self.style) {
            return Err(self.refused(format!("`{}` is not a {} style", self.style, self.place)));
        }
        value.serialize(Flatten).map_err(|Refused(why)| self.refused(why))
    }

    /// `shape` written in this parameter's grammar, if no delimiter hides in it
    /// and it fits in a URL.
    fn finish(&self, shape: &Shape) -> Result<String, Error> {
        let grammar = Grammar::of(self.place, self.style, self.explode);
        if let Some(delimiter) = grammar.ambiguous.filter(|&c| shape.items().any(|item| item.contains(c))) {
            return Err(self.refused(format!(
                "an item holds {delimiter:?}, which the server cannot tell from the style's delimiter"
            )));
        }
        let text = grammar.write(self.name, shape);
        if text.len() > MAX_URL_BYTES {
            return Err(self.refused(format!(
                "would be {} bytes long, more than the {MAX_URL_BYTES} a whole URL may be",
                text.len()
            )));
        }
        Ok(text)
    }

    fn refused(&self, why: String) -> Error {
        let explode = if self.explode { ", explode" } else { "" };
        Error::InvalidRequest(format!(
            "{} parameter `{}` (style {}{explode}): {why}",
            self.place,
            excerpt(self.name),
            self.style
        ))
    }
}

/// A parameter value as the styles see it; the strings are not yet escaped.
#[derive(Debug, PartialEq)]
enum Shape {
    /// Null, an empty array or an empty object: nothing is written.
    Absent,
    Scalar(String),
    List(Vec<String>),
    /// Members in order, null ones left out.
    Object(Vec<(String, String)>),
}

impl Shape {
    /// The items that a style joins: those of a list or object.
    fn items(&self) -> impl Iterator<Item = &str> {
        let (list, members): (&[String], &[(String, String)]) = match self {
            Shape::List(items) => (items.as_slice(), &[]),
            Shape::Object(members) => (&[], members.as_slice()),
            Shape::Absent | Shape::Scalar(_) => (&[], &[]),
        };
        list.iter().map(String::as_str).chain(members.iter().flat_map(|(k, v)| [k.as_str(), v.as_str()]))
    }
}

/// What a style writes around and between items: RFC 6570's operators, which
/// OpenAPI's styles are named after, with the delimited styles' joiners.
struct Grammar {
    /// Before everything: `.` (label), `;` (matrix).
    first: &'static str,
    /// Between the entries of an exploded array or object.
    sep: &'static str,
    /// Between the items of an unexploded array or object.
    join: &'static str,
    /// Entries are `name=value` (matrix and the query styles), not bare values.
    named: bool,
    /// An empty value is written `;name`, not `;name=` (matrix).
    bare_if_empty: bool,
    /// Exploded members are `name[key]=value` (deepObject), not `key=value`.
    deep: bool,
    explode: bool,
    /// What `sep` or `join` mean to the server, if an escaped item could hold it too.
    ambiguous: Option<char>,
    escape: fn(&str) -> String,
}

impl Grammar {
    fn of(place: Place, style: Style, explode: bool) -> Grammar {
        let simple = Grammar {
            first: "",
            sep: ",",
            join: ",",
            named: false,
            bare_if_empty: false,
            deep: false,
            explode,
            ambiguous: None,
            escape: encode_query_component,
        };
        let form = Grammar { sep: "&", named: true, ..simple };
        match style {
            Style::Simple if place == Place::Header => {
                Grammar { ambiguous: Some(','), escape: str::to_owned, ..simple }
            }
            Style::Simple => simple,
            Style::Label => Grammar { first: ".", sep: ".", join: ".", ambiguous: Some('.'), ..simple },
            Style::Matrix => Grammar { first: ";", sep: ";", named: true, bare_if_empty: true, ..simple },
            Style::SpaceDelimited if !explode => Grammar { join: "%20", ambiguous: Some(' '), ..form },
            Style::PipeDelimited if !explode => Grammar { join: "%7C", ambiguous: Some('|'), ..form },
            Style::Form | Style::SpaceDelimited | Style::PipeDelimited => form,
            Style::DeepObject => Grammar { deep: true, explode: true, ..form },
        }
    }

    /// The one writer of every style: `first`, then the entries joined by `sep`.
    fn write(&self, name: &str, shape: &Shape) -> String {
        let entries = self.entries(name, shape);
        if entries.is_empty() {
            return String::new();
        }
        let mut text = String::from(self.first);
        for (index, (key, value)) in entries.into_iter().enumerate() {
            if index > 0 {
                text.push_str(self.sep);
            }
            if let Some(key) = key {
                text.push_str(&key);
                if !(value.is_empty() && self.bare_if_empty) {
                    text.push('=');
                }
            }
            text.push_str(&value);
        }
        text
    }

    /// The escaped `(key, value)` entries: one per item when exploded, else one
    /// whose value is the items joined.
    fn entries(&self, name: &str, shape: &Shape) -> Vec<(Option<String>, String)> {
        let escape = self.escape;
        let key = || self.named.then(|| escape(name));
        match shape {
            Shape::Absent => Vec::new(),
            Shape::Scalar(value) => vec![(key(), escape(value))],
            Shape::List(items) if self.explode => items.iter().map(|item| (key(), escape(item))).collect(),
            Shape::Object(members) if self.explode => {
                members.iter().map(|(member, value)| (Some(self.member_key(name, member)), escape(value))).collect()
            }
            Shape::List(_) | Shape::Object(_) => {
                let items: Vec<String> = shape.items().map(escape).collect();
                vec![(key(), items.join(self.join))]
            }
        }
    }

    /// `R` of `R=100`, or `color[R]` for deepObject.
    fn member_key(&self, name: &str, member: &str) -> String {
        let escape = self.escape;
        if self.deep {
            format!("{}[{}]", escape(name), escape(member))
        } else {
            escape(member)
        }
    }
}

/// Why a value cannot be flattened; the parameter and style are added by [`Param`].
#[derive(Debug)]
struct Refused(String);

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

impl ser::Error for Refused {
    /// A `Serialize` implementation's own failure, cut short: it may quote the value.
    fn custom<T: fmt::Display>(message: T) -> Self {
        Refused(excerpt(&message.to_string()))
    }
}

/// At most 64 characters of `text`, for messages that must not quote a huge value.
fn excerpt(text: &str) -> String {
    match text.char_indices().nth(64) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

fn nested(what: String) -> Refused {
    Refused(format!("{what} is an array or object, which OpenAPI 3.0 defines no way to write inside another"))
}

/// `value` as one item of an array or object: `None` when it is null.
fn scalar(value: &(impl Serialize + ?Sized), what: impl FnOnce() -> String) -> Result<Option<String>, Refused> {
    match value.serialize(Flatten)? {
        Shape::Absent => Ok(None),
        Shape::Scalar(text) => Ok(Some(text)),
        Shape::List(_) | Shape::Object(_) => Err(nested(what())),
    }
}

/// A number as serde_json prints it (`1.5`, `1e+21`); NaN and infinities, which
/// JSON has no text for, are refused rather than dropped.
fn number<T: Serialize + Into<f64> + Copy>(value: T) -> Result<Shape, Refused> {
    if !value.into().is_finite() {
        return Err(Refused("is a number that is not finite".to_owned()));
    }
    serde_json::to_string(&value).map(Shape::Scalar).map_err(ser::Error::custom)
}

/// The serializer that flattens a value into a [`Shape`], in serde's order
/// (`serde_json::Value` would sort struct fields unless `preserve_order` is
/// on somewhere in the build).
struct Flatten;

macro_rules! display_scalars {
    ($($method:ident: $type:ty),* $(,)?) => {
        $(fn $method(self, value: $type) -> Result<Shape, Refused> {
            Ok(Shape::Scalar(value.to_string()))
        })*
    };
}

impl Serializer for Flatten {
    type Ok = Shape;
    type Error = Refused;
    type SerializeSeq = List;
    type SerializeTuple = List;
    type SerializeTupleStruct = List;
    type SerializeTupleVariant = Impossible<Shape, Refused>;
    type SerializeMap = Object;
    type SerializeStruct = Object;
    type SerializeStructVariant = Impossible<Shape, Refused>;

    display_scalars!(
        serialize_bool: bool, serialize_char: char, serialize_str: &str,
        serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64, serialize_i128: i128,
        serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64, serialize_u128: u128,
    );

    fn serialize_f32(self, value: f32) -> Result<Shape, Refused> {
        number(value)
    }

    fn serialize_f64(self, value: f64) -> Result<Shape, Refused> {
        number(value)
    }

    /// As serde_json writes bytes: an array of numbers.
    fn serialize_bytes(self, value: &[u8]) -> Result<Shape, Refused> {
        let mut list = self.serialize_seq(Some(value.len()))?;
        value.iter().try_for_each(|byte| list.serialize_element(byte))?;
        SerializeSeq::end(list)
    }

    fn serialize_none(self) -> Result<Shape, Refused> {
        Ok(Shape::Absent)
    }

    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<Shape, Refused> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<Shape, Refused> {
        Ok(Shape::Absent)
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<Shape, Refused> {
        Ok(Shape::Absent)
    }

    /// A fieldless enum: its (renamed) variant name.
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<Shape, Refused> {
        Ok(Shape::Scalar(variant.to_owned()))
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _: &'static str, value: &T) -> Result<Shape, Refused> {
        value.serialize(self)
    }

    /// As serde_json writes it: `{"Variant": value}`.
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        name: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Shape, Refused> {
        let mut object = self.serialize_struct(name, 1)?;
        object.serialize_field(variant, value)?;
        SerializeStruct::end(object)
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<List, Refused> {
        Ok(List(Vec::new()))
    }

    fn serialize_tuple(self, len: usize) -> Result<List, Refused> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<List, Refused> {
        self.serialize_seq(Some(len))
    }

    /// `{"Variant": [..]}` in JSON: an array inside an object.
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Refused> {
        Err(nested(format!("member `{variant}`")))
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Object, Refused> {
        Ok(Object { members: Vec::new(), key: None, sorted: true })
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Object, Refused> {
        Ok(Object { members: Vec::new(), key: None, sorted: false })
    }

    /// `{"Variant": {..}}` in JSON: an object inside an object.
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Refused> {
        Err(nested(format!("member `{variant}`")))
    }
}

/// The items of an array, tuple or `Vec`.
struct List(Vec<String>);

impl SerializeSeq for List {
    type Ok = Shape;
    type Error = Refused;

    /// A null item is refused: leaving it out would move the others.
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Refused> {
        let index = self.0.len();
        let item = scalar(value, || format!("item {index}"))?;
        self.0.push(item.ok_or_else(|| Refused(format!("item {index} is null")))?);
        Ok(())
    }

    fn end(self) -> Result<Shape, Refused> {
        Ok(if self.0.is_empty() { Shape::Absent } else { Shape::List(self.0) })
    }
}

impl ser::SerializeTuple for List {
    type Ok = Shape;
    type Error = Refused;

    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Refused> {
        SerializeSeq::serialize_element(self, value)
    }

    fn end(self) -> Result<Shape, Refused> {
        SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for List {
    type Ok = Shape;
    type Error = Refused;

    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Refused> {
        SerializeSeq::serialize_element(self, value)
    }

    fn end(self) -> Result<Shape, Refused> {
        SerializeSeq::end(self)
    }
}

/// The members of a struct or map.
struct Object {
    members: Vec<(String, String)>,
    /// A map's key, until its value comes.
    key: Option<String>,
    /// Map entries are sorted (a `HashMap`'s order changes from run to run);
    /// struct fields keep their declaration order.
    sorted: bool,
}

impl Object {
    /// Adds `key: value`, unless the value is null.
    fn push(&mut self, key: String, value: &(impl Serialize + ?Sized)) -> Result<(), Refused> {
        if let Some(value) = scalar(value, || format!("member `{}`", excerpt(&key)))? {
            self.members.push((key, value));
        }
        Ok(())
    }

    fn finish(mut self) -> Shape {
        if self.sorted {
            self.members.sort_by(|a, b| a.0.cmp(&b.0));
        }
        if self.members.is_empty() {
            Shape::Absent
        } else {
            Shape::Object(self.members)
        }
    }
}

impl SerializeMap for Object {
    type Ok = Shape;
    type Error = Refused;

    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<(), Refused> {
        let key = scalar(key, || "a key".to_owned())?;
        self.key = Some(key.ok_or_else(|| Refused("a key is null".to_owned()))?);
        Ok(())
    }

    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Refused> {
        let key = self.key.take().ok_or_else(|| Refused("a map value came without its key".to_owned()))?;
        self.push(key, value)
    }

    fn end(self) -> Result<Shape, Refused> {
        Ok(self.finish())
    }
}

impl SerializeStruct for Object {
    type Ok = Shape;
    type Error = Refused;

    fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> Result<(), Refused> {
        self.push(key.to_owned(), value)
    }

    fn end(self) -> Result<Shape, Refused> {
        Ok(self.finish())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, HashMap};

    use serde::Serialize;

    use super::*;
    use Style::*;

    /// The table's object, in its order (R, G, B: not sorted).
    #[derive(Serialize)]
    #[allow(non_snake_case)]
    struct Rgb {
        R: u8,
        G: u8,
        B: u8,
    }

    const RGB: Rgb = Rgb { R: 100, G: 200, B: 150 };
    const ARRAY: [&str; 3] = ["blue", "black", "brown"];

    fn path(style: Style, explode: bool, value: &(impl Serialize + ?Sized)) -> String {
        path_styled("color", style, explode, value).unwrap()
    }

    fn query(style: Style, explode: bool, value: &(impl Serialize + ?Sized)) -> String {
        query_styled("color", style, explode, value).unwrap()
    }

    fn header(explode: bool, value: &(impl Serialize + ?Sized)) -> Option<String> {
        header_styled("color", explode, value).unwrap()
    }

    /// The message of the `InvalidRequest` that `result` must be, checked to be short.
    #[track_caller]
    fn refusal<T: fmt::Debug>(result: Result<T, Error>) -> String {
        match result {
            Err(Error::InvalidRequest(message)) => {
                assert!(message.len() < 300, "{message}");
                message
            }
            other => panic!("not refused: {other:?}"),
        }
    }

    // One test per row of the Style Examples table: empty, string, array, object.

    #[test]
    fn matrix_unexploded() {
        assert_eq!(path(Matrix, false, ""), ";color");
        assert_eq!(path(Matrix, false, "blue"), ";color=blue");
        assert_eq!(path(Matrix, false, &ARRAY), ";color=blue,black,brown");
        assert_eq!(path(Matrix, false, &RGB), ";color=R,100,G,200,B,150");
    }

    #[test]
    fn matrix_exploded() {
        assert_eq!(path(Matrix, true, ""), ";color");
        assert_eq!(path(Matrix, true, "blue"), ";color=blue");
        assert_eq!(path(Matrix, true, &ARRAY), ";color=blue;color=black;color=brown");
        assert_eq!(path(Matrix, true, &RGB), ";R=100;G=200;B=150");
    }

    /// The table's empty `.` would be a dot segment, so it is refused.
    #[test]
    fn label_unexploded() {
        assert!(refusal(path_styled("color", Label, false, "")).contains("must not be empty, `.` or `..`"));
        assert_eq!(path(Label, false, "blue"), ".blue");
        assert_eq!(path(Label, false, &ARRAY), ".blue.black.brown");
        assert_eq!(path(Label, false, &RGB), ".R.100.G.200.B.150");
    }

    #[test]
    fn label_exploded() {
        assert!(refusal(path_styled("color", Label, true, "")).contains("must not be empty, `.` or `..`"));
        assert_eq!(path(Label, true, "blue"), ".blue");
        assert_eq!(path(Label, true, &ARRAY), ".blue.black.brown");
        assert_eq!(path(Label, true, &RGB), ".R=100.G=200.B=150");
    }

    #[test]
    fn form_unexploded() {
        assert_eq!(query(Form, false, ""), "color=");
        assert_eq!(query(Form, false, "blue"), "color=blue");
        assert_eq!(query(Form, false, &ARRAY), "color=blue,black,brown");
        assert_eq!(query(Form, false, &RGB), "color=R,100,G,200,B,150");
    }

    #[test]
    fn form_exploded() {
        assert_eq!(query(Form, true, ""), "color=");
        assert_eq!(query(Form, true, "blue"), "color=blue");
        assert_eq!(query(Form, true, &ARRAY), "color=blue&color=black&color=brown");
        assert_eq!(query(Form, true, &RGB), "R=100&G=200&B=150");
    }

    /// Empty is `n/a` for simple: refused in a path (an empty segment), an
    /// empty header in a header.
    #[test]
    fn simple_unexploded() {
        assert!(refusal(path_styled("color", Simple, false, "")).contains("must not be empty"));
        assert_eq!(header(false, ""), Some(String::new()));
        assert_eq!(path(Simple, false, "blue"), "blue");
        assert_eq!(path(Simple, false, &ARRAY), "blue,black,brown");
        assert_eq!(path(Simple, false, &RGB), "R,100,G,200,B,150");
        assert_eq!(header(false, "blue").unwrap(), "blue");
        assert_eq!(header(false, &ARRAY).unwrap(), "blue,black,brown");
        assert_eq!(header(false, &RGB).unwrap(), "R,100,G,200,B,150");
    }

    #[test]
    fn simple_exploded() {
        assert_eq!(path(Simple, true, "blue"), "blue");
        assert_eq!(path(Simple, true, &ARRAY), "blue,black,brown");
        assert_eq!(path(Simple, true, &RGB), "R=100,G=200,B=150");
        assert_eq!(header(true, "blue").unwrap(), "blue");
        assert_eq!(header(true, &ARRAY).unwrap(), "blue,black,brown");
        assert_eq!(header(true, &RGB).unwrap(), "R=100,G=200,B=150");
    }

    /// The table leaves out `color=`; a string is `n/a`: written as form.
    #[test]
    fn space_delimited_unexploded() {
        assert_eq!(query(SpaceDelimited, false, ""), "color=");
        assert_eq!(query(SpaceDelimited, false, "blue"), "color=blue");
        assert_eq!(query(SpaceDelimited, false, &ARRAY), "color=blue%20black%20brown");
        assert_eq!(query(SpaceDelimited, false, &RGB), "color=R%20100%20G%20200%20B%20150");
    }

    /// `|` as `%7C`.
    #[test]
    fn pipe_delimited_unexploded() {
        assert_eq!(query(PipeDelimited, false, "blue"), "color=blue");
        assert_eq!(query(PipeDelimited, false, &ARRAY), "color=blue%7Cblack%7Cbrown");
        assert_eq!(query(PipeDelimited, false, &RGB), "color=R%7C100%7CG%7C200%7CB%7C150");
    }

    /// Not in the table: exploded, the delimited styles are form's.
    #[test]
    fn delimited_exploded_are_form_exploded() {
        for style in [SpaceDelimited, PipeDelimited] {
            assert_eq!(query(style, true, "blue"), "color=blue");
            assert_eq!(query(style, true, &ARRAY), "color=blue&color=black&color=brown");
            assert_eq!(query(style, true, &RGB), "R=100&G=200&B=150");
            // Exploded, the items are apart: a space or pipe is just escaped.
            assert_eq!(query(style, true, &["a b", "c|d"]), "color=a%20b&color=c%7Cd");
        }
    }

    /// The string and array are `n/a`: written form-exploded. `explode` is ignored.
    #[test]
    fn deep_object() {
        for explode in [true, false] {
            assert_eq!(query(DeepObject, explode, "blue"), "color=blue");
            assert_eq!(query(DeepObject, explode, &ARRAY), "color=blue&color=black&color=brown");
            assert_eq!(query(DeepObject, explode, &RGB), "color[R]=100&color[G]=200&color[B]=150");
        }
    }

    /// Brackets stay literal through the request pipeline's URL parsing; a
    /// bracket in a key is escaped, so only the style's brackets are literal.
    #[test]
    fn deep_object_brackets_survive_the_url_and_uri_parsers() {
        let filter = BTreeMap::from([("a[b]", "x"), ("c", "y|z")]);
        let fragment = query_styled("filter", DeepObject, true, &filter).unwrap();
        assert_eq!(fragment, "filter[a%5Bb%5D]=x&filter[c]=y%7Cz");
        let url = reqwest::Url::parse(&format!("https://h/x?{fragment}")).unwrap();
        assert_eq!(url.query(), Some(fragment.as_str()));
        let uri: http::Uri = url.as_str().parse().unwrap();
        assert_eq!(uri.query(), Some(fragment.as_str()));
    }

    #[test]
    fn null_empty_arrays_and_empty_objects_write_nothing() {
        let empty: Vec<String> = Vec::new();
        let none: Option<&str> = None;
        let all_null = BTreeMap::from([("a", None::<u8>)]);
        for style in [Form, SpaceDelimited, PipeDelimited, DeepObject] {
            for explode in [true, false] {
                assert_eq!(query(style, explode, &empty), "");
                assert_eq!(query(style, explode, &none), "");
                assert_eq!(query(style, explode, &all_null), "");
            }
        }
        assert_eq!(header(false, &empty), None);
        assert_eq!(header(true, &none), None);
        assert_eq!(query(Form, true, &Some("blue")), "color=blue");
        // A path parameter is required: nothing is an empty segment.
        for style in [Simple, Label, Matrix] {
            assert!(refusal(path_styled("color", style, false, &none)).contains("must not be empty"));
            assert!(refusal(path_styled("color", style, true, &empty)).contains("must not be empty"));
        }
    }

    #[test]
    fn items_names_and_keys_are_escaped_but_delimiters_are_not() {
        let items = ["a/b", "a,b", "ü", "&="];
        assert_eq!(path(Simple, false, &items), "a%2Fb,a%2Cb,%C3%BC,%26%3D");
        assert_eq!(path(Matrix, true, &items), ";color=a%2Fb;color=a%2Cb;color=%C3%BC;color=%26%3D");
        assert_eq!(query(Form, false, &items), "color=a%2Fb,a%2Cb,%C3%BC,%26%3D");
        assert_eq!(query(Form, true, &items), "color=a%2Fb&color=a%2Cb&color=%C3%BC&color=%26%3D");
        assert_eq!(query(PipeDelimited, false, &items), "color=a%2Fb%7Ca%2Cb%7C%C3%BC%7C%26%3D");
        assert_eq!(query_styled("a&b=c", Form, true, "x/y").unwrap(), "a%26b%3Dc=x%2Fy");
        let map = BTreeMap::from([("k=&", "v,/")]);
        assert_eq!(query(Form, true, &map), "k%3D%26=v%2C%2F");
        assert_eq!(query(Form, false, &map), "color=k%3D%26,v%2C%2F");
        assert_eq!(path(Label, true, &map), ".k%3D%26=v%2C%2F");
        assert_eq!(path_styled("id", Matrix, false, "ü;x").unwrap(), ";id=%C3%BC%3Bx");
        // Headers are not URLs: a scalar is sent as it is.
        assert_eq!(header(false, "a/b ü&=").unwrap(), "a/b ü&=");
    }

    #[test]
    fn an_item_holding_a_delimiter_the_server_cannot_tell_apart_is_refused() {
        let cases: [(Result<_, Error>, &str); 5] = [
            (query_styled("tags", SpaceDelimited, false, &["a b", "c"]), "' '"),
            (query_styled("tags", PipeDelimited, false, &["a|b"]), "'|'"),
            (path_styled("tags", Label, true, &["1.2", "1.3"]), "'.'"),
            (path_styled("tags", Label, false, &BTreeMap::from([("v", "1.2")])), "'.'"),
            (header_styled("tags", false, &["a,b"]).map(Option::unwrap_or_default), "','"),
        ];
        for (result, delimiter) in cases {
            let message = refusal(result);
            assert!(message.contains("parameter `tags` (style ") && message.contains(delimiter), "{message}");
        }
        // One value is not split: a scalar may hold the delimiter.
        assert_eq!(path(Label, false, "1.2"), ".1.2");
        assert_eq!(query(SpaceDelimited, false, "a b"), "color=a%20b");
        assert_eq!(header(false, "a,b").unwrap(), "a,b");
    }

    #[test]
    fn a_path_value_never_resolves_as_a_dot_segment() {
        for (style, value) in [(Simple, ".."), (Simple, "."), (Label, "."), (Simple, "")] {
            let message = refusal(path_styled("id", style, false, value));
            assert!(message.starts_with("path parameter `id` (style ") && message.contains("`..`"), "{message}");
        }
        assert!(refusal(path_styled("id", Simple, true, &[".."])).contains("`..`"));
        // Dots inside a longer text are a segment's own.
        assert_eq!(path(Simple, false, "..."), "...");
        assert_eq!(path(Simple, false, &[".", "."]), ".,.");
        assert_eq!(path(Matrix, false, ".."), ";color=..");
    }

    #[test]
    fn nested_arrays_and_objects_are_refused_by_parameter_and_style() {
        #[derive(Serialize)]
        struct Filter {
            name: &'static str,
            range: [u32; 2],
        }
        let filter = Filter { name: "x", range: [1, 2] };
        let message = refusal(query_styled("filter", DeepObject, true, &filter));
        assert!(
            message.starts_with("query parameter `filter` (style deepObject, explode): member `range`"),
            "{message}"
        );
        let message = refusal(query_styled("ids", Form, false, &[[1, 2], [3, 4]]));
        assert!(message.starts_with("query parameter `ids` (style form): item 0 is an array or object"), "{message}");
        let message = refusal(path_styled("ids", Simple, false, &[Some(1), None]));
        assert!(message.contains("`ids`") && message.contains("item 1 is null"), "{message}");
        let nested = BTreeMap::from([("a", BTreeMap::from([("b", 1)]))]);
        assert!(refusal(header_styled("x-f", true, &nested)).contains("header parameter `x-f` (style simple, explode)"));
    }

    #[test]
    fn a_style_of_another_location_is_refused() {
        assert!(refusal(path_styled("id", Form, true, "x")).contains("`form` is not a path style"));
        assert!(refusal(query_styled("q", Matrix, false, "x")).contains("`matrix` is not a query style"));
    }

    /// Like a generated struct: fields in declaration order, `None` left out,
    /// renamed fields and enum variants written as the service spells them.
    #[test]
    fn a_generated_struct_writes_its_wire_names_and_skips_none() {
        #[derive(Serialize)]
        enum Order {
            #[serde(rename = "created_at:desc")]
            NewestFirst,
        }
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct ListFilter {
            zone_name: String,
            #[serde(skip_serializing_if = "Option::is_none")]
            skipped: Option<String>,
            page_size: Option<u32>,
            order: Order,
            ratio: f64,
            active: bool,
        }
        let filter = ListFilter {
            zone_name: "kr-1".into(),
            skipped: None,
            page_size: None,
            order: Order::NewestFirst,
            ratio: 1.0,
            active: true,
        };
        assert_eq!(
            query_styled("filter", DeepObject, true, &filter).unwrap(),
            "filter[zoneName]=kr-1&filter[order]=created_at%3Adesc&filter[ratio]=1.0&filter[active]=true"
        );
        assert_eq!(query_styled("sort", Form, true, &Order::NewestFirst).unwrap(), "sort=created_at%3Adesc");
        assert_eq!(query_styled("sort", Form, false, &[Order::NewestFirst]).unwrap(), "sort=created_at%3Adesc");
    }

    #[test]
    fn scalars_are_written_as_serde_json_prints_them() {
        assert_eq!(query(Form, true, &-3i64), "color=-3");
        assert_eq!(query(Form, true, &u128::MAX), format!("color={}", u128::MAX));
        assert_eq!(query(Form, true, &0.1f32), "color=0.1");
        assert_eq!(query(Form, true, &1e21f64), "color=1e%2B21");
        assert_eq!(query(Form, true, &false), "color=false");
        assert!(refusal(query_styled("x", Form, true, &f64::NAN)).contains("not finite"));
        #[derive(Serialize)]
        enum Tagged {
            Id(u32),
        }
        assert_eq!(query(Form, true, &Tagged::Id(7)), "Id=7");
    }

    /// A `HashMap`'s order changes from run to run; the URL must not.
    #[test]
    fn map_entries_are_sorted_struct_fields_are_not() {
        let map: HashMap<String, u32> = (0..20).map(|i| (format!("k{i:02}"), i)).collect();
        let expected: Vec<String> = (0..20).map(|i| format!("k{i:02}={i}")).collect();
        assert_eq!(query(Form, true, &map), expected.join("&"));
    }

    #[test]
    fn large_values_are_refused_without_quoting_them() {
        let long = "x".repeat(MAX_URL_BYTES + 1);
        let at_limit = "x".repeat(MAX_URL_BYTES - "color=".len());
        assert_eq!(query(Form, true, &at_limit).len(), MAX_URL_BYTES);
        let results = [
            path_styled("id", Simple, false, &long),
            query_styled("ids", Form, false, &[&long[..MAX_URL_BYTES / 2], &long[..MAX_URL_BYTES / 2]]),
            query_styled("color", Form, true, &format!("{at_limit}x")),
            header_styled("x-long", false, &long).map(Option::unwrap_or_default),
        ];
        for result in results {
            let message = refusal(result);
            assert!(!message.contains("xxxx") && message.contains("more than the 65534"), "{message}");
        }
        // A long name or key in a message is cut short.
        let message = refusal(query_styled(&long, Form, false, "v"));
        assert!(!message.contains(&"x".repeat(65)), "{message}");
        let message = refusal(query_styled("f", Form, true, &BTreeMap::from([(long.as_str(), [1])])));
        assert!(!message.contains(&"x".repeat(65)), "{message}");
        // So is a `Serialize` implementation's own failure, which may quote the value.
        struct Failing;
        impl Serialize for Failing {
            fn serialize<S: Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(ser::Error::custom("x".repeat(100_000)))
            }
        }
        let message = refusal(query_styled("f", Form, true, &Failing));
        assert!(message.starts_with("query parameter `f` (style form, explode): xxx"), "{message}");
        assert!(!message.contains(&"x".repeat(65)), "{message}");
    }
}
