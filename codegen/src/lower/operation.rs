//! Operations: parameters, path template, request body, responses.

use std::collections::HashMap;

use indexmap::IndexMap;
use openapiv3::{Parameter, ParameterSchemaOrContent, ReferenceOr, StatusCode};
use serde_json::Value;

use super::security::Schemes;
use super::*;
use crate::error::push_pointer;
use crate::names::{pascal, snake};

impl<'a> Lowerer<'a> {
    /// Every operation, sorted by name, and the client parameters they share.
    pub(super) fn operations(&mut self, schemes: &Schemes) -> (Vec<Param>, Vec<Operation>) {
        let mut client_params: Vec<Param> = Vec::new();
        let mut operations: Vec<Operation> = Vec::new();
        let mut ids: HashMap<String, String> = HashMap::new();
        // Every client method taken so far (operations, body variants, waiters) → where.
        let mut names: HashMap<String, String> = HashMap::new();
        for (path, item) in &self.doc.paths.paths {
            let path_pointer = push_pointer("#/paths", path);
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { .. } => {
                    self.error(&path_pointer, "path item `$ref` is not supported");
                    continue;
                }
            };
            for (key, op) in item.iter() {
                let pointer = push_pointer(&path_pointer, key);
                let Some(method) = Method::from_key(key) else {
                    self.error(&pointer, format!("`{key}` is not an HTTP method"));
                    continue;
                };
                let operation_id = op.operation_id.clone().unwrap_or_else(|| derived_operation_id(key, path));
                if let Some(first) = ids.insert(operation_id.clone(), pointer.clone()) {
                    let message = format!("operationId `{operation_id}` is also used at {first}");
                    if !self.sloppy(&push_pointer(&pointer, "operationId"), message) {
                        continue;
                    }
                }
                let Some(name) = self.method_name(&operation_id, &pointer, &mut names) else { continue };
                let site = Site { schemes, path, item, op, pointer, path_pointer: &path_pointer };
                let operation = self.operation(site, method, name, operation_id, &mut client_params, &mut names);
                operations.push(operation);
            }
        }
        operations.sort_by(|a, b| a.name.cmp(&b.name));
        (client_params, operations)
    }

    /// The client method of an operation id, unless the client reserves it or
    /// another operation has it.
    fn method_name(
        &mut self,
        operation_id: &str,
        pointer: &str,
        names: &mut HashMap<String, String>,
    ) -> Option<String> {
        let mut name = snake(operation_id);
        let at = push_pointer(pointer, "operationId");
        let reserved = |name: &str| crate::names::RESERVED_CLIENT_METHODS.contains(&name);
        let clash = if reserved(&name) {
            Some(format!("`{operation_id}` becomes the method `{name}`, which the client reserves"))
        } else {
            names
                .get(&name)
                .map(|first| format!("`{operation_id}` becomes the method `{name}`, as does the operation at {first}"))
        };
        if let Some(message) = clash {
            if !self.sloppy(&at, message) {
                return None;
            }
            // Lenient: the first free numbered name, as colliding type names get.
            name = (2..).map(|n| format!("{name}_{n}")).find(|n| !reserved(n) && !names.contains_key(n))?;
        }
        names.insert(name.clone(), pointer.to_owned());
        Some(name)
    }

    fn operation(
        &mut self,
        site: Site<'a, '_>,
        method: Method,
        name: String,
        operation_id: String,
        client_params: &mut Vec<Param>,
        names: &mut HashMap<String, String>,
    ) -> Operation {
        let Site { schemes, path, item, op, pointer, path_pointer } = site;
        let params = self.params(&schemes.auth, &item.parameters, &op.parameters, &name, &pointer, path_pointer);
        let (client, params): (Vec<_>, Vec<_>) = params.into_iter().partition(|(_, client)| *client);
        for (param, _) in client {
            if !client_params.iter().any(|p| p.name == param.name) {
                client_params.push(param);
            }
        }
        let params: Vec<Param> = params.into_iter().map(|(p, _)| p).collect();
        let path = self.path_template(path, &params, client_params, &pointer);
        let body = self.body(op.request_body.as_ref(), &name, &pointer);
        let responses = self.responses(&op.responses, &name, &pointer);
        let success = success_of(&responses);
        let accept = accept_of(&responses);
        let body_variants = self.body_variants(op, body.as_ref(), &pointer, names);
        let pagination = self.pagination(op, &params, &success, &pointer);
        let waiter = self.waiter(op, &success, &pointer, names);
        if let Some(w) = &waiter {
            for method in std::iter::once(&w.method).chain(w.deleted.as_ref().map(|d| &d.method)) {
                names.insert(method.clone(), pointer.clone());
            }
        }
        Operation {
            name,
            operation_id,
            method,
            path,
            doc: Doc {
                summary: op.summary.clone(),
                description: op.description.clone(),
                deprecated: op.deprecated,
                ..Doc::default()
            },
            deprecated: op.deprecated,
            params,
            body,
            responses,
            success,
            accept,
            pagination,
            async_request: op.extensions.get("x-cloudsdk-async-request") == Some(&Value::Bool(true)),
            security: self.operation_security(op, schemes),
            body_variants,
            waiter,
            pointer,
        }
    }

    /// Path-level and operation-level parameters merged (the operation wins),
    /// each flagged as client parameter or not.
    fn params(
        &mut self,
        auth: &Auth,
        path_level: &'a [ReferenceOr<Parameter>],
        op_level: &'a [ReferenceOr<Parameter>],
        op_name: &str,
        pointer: &str,
        path_pointer: &str,
    ) -> Vec<(Param, bool)> {
        let mut merged: Vec<(&'a Parameter, String)> = Vec::new();
        let levels =
            [(path_level, push_pointer(path_pointer, "parameters")), (op_level, push_pointer(pointer, "parameters"))];
        for (level, level_pointer) in &levels {
            for (i, param) in level.iter().enumerate() {
                let at = push_pointer(level_pointer, &i.to_string());
                let Some((param, at)) = self.resolve_param(param, &at) else { continue };
                let data = param.parameter_data_ref();
                merged.retain(|(p, _)| {
                    !(p.parameter_data_ref().name == data.name
                        && std::mem::discriminant(*p) == std::mem::discriminant(param))
                });
                merged.push((param, at));
            }
        }
        let mut out: Vec<(Param, bool)> = Vec::new();
        for (param, at) in merged {
            let data = param.parameter_data_ref();
            let location = match param {
                Parameter::Path { .. } => ParamLocation::Path,
                Parameter::Query { .. } => ParamLocation::Query,
                Parameter::Header { .. } => ParamLocation::Header,
                Parameter::Cookie { .. } => ParamLocation::Cookie,
            };
            if location == ParamLocation::Header && auth.conventions().sends_header(&data.name) {
                continue;
            }
            let ty = match &data.format {
                ParameterSchemaOrContent::Schema(schema) => self.type_of_ref(
                    schema,
                    &format!("{}{}", pascal(op_name), pascal(&data.name)),
                    &push_pointer(&at, "schema"),
                ),
                ParameterSchemaOrContent::Content(content) => {
                    match self.content_param(content, location, op_name, &data.name, &at) {
                        Some(ty) => ty,
                        None => continue,
                    }
                }
            };
            let json = matches!(&data.format, ParameterSchemaOrContent::Content(_)) && ty != Type::String;
            let mut doc = match &data.format {
                ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) => self.doc_of(schema, &at),
                _ => Doc::default(),
            };
            doc.description = data.description.clone().or(doc.description);
            doc.deprecated |= data.deprecated.unwrap_or(false);
            doc.example = data.example.clone().or(doc.example);
            let mut rust_name = snake(&data.name);
            if crate::names::RESERVED_BUILDER_MEMBERS.contains(&rust_name.as_str()) {
                rust_name.push_str("_param");
            }
            // Names colliding in Rust (`minDisk`, `min_disk`) get a suffix, as properties do.
            if out.iter().any(|(p, _)| p.rust_name == rust_name) {
                let mut names = crate::names::NameSet::new("_");
                out.iter().for_each(|(p, _)| names.reserve(&p.rust_name));
                rust_name = names.claim(&rust_name);
            }
            let required = data.required || location == ParamLocation::Path;
            let client = data.extensions.get("x-cloudsdk-client-parameter") == Some(&Value::Bool(true));
            if client && location != ParamLocation::Path {
                self.error(&at, "`x-cloudsdk-client-parameter` is supported on path parameters only");
                continue;
            }
            // JSON text carries any shape: only a `schema` parameter needs a style that writes it.
            // A parameter is written by its shape: read through aliases (`Ids: {type: array}`).
            let ty = self.dealiased(ty);
            let ty = match if json { Some(ty) } else { self.param_type(ty, location, &at) } {
                Some(ty) => ty,
                None => continue,
            };
            let style = if json { None } else { self.param_style(&ty, param) };
            out.push((Param { name: data.name.clone(), rust_name, location, required, ty, doc, style, json }, client));
        }
        out
    }

    /// The type of a parameter described by `content` rather than `schema`:
    /// a JSON media type's schema (the value is sent as JSON text), or text.
    fn content_param(
        &mut self,
        content: &'a IndexMap<String, openapiv3::MediaType>,
        location: ParamLocation,
        op_name: &str,
        name: &str,
        at: &str,
    ) -> Option<Type> {
        let chosen = chosen_media(content)?;
        let schema = chosen.media.schema.as_ref().filter(|_| chosen.kind == BodyMedia::Json);
        let Some(schema) = schema else { return Some(Type::String) };
        if !matches!(location, ParamLocation::Query | ParamLocation::Header) {
            self.error(at, "parameters with JSON `content` are supported in the query and headers only");
            return None;
        }
        let schema_at = push_pointer(&push_pointer(&push_pointer(at, "content"), chosen.media_type), "schema");
        Some(self.type_of_ref(schema, &format!("{}{}", pascal(op_name), pascal(name)), &schema_at))
    }

    /// The Rust type of a parameter, or an error for shapes no style writes:
    /// arrays of arrays or of objects, and cookies that are not scalars. An
    /// untyped parameter is a string.
    fn param_type(&mut self, ty: Type, location: ParamLocation, at: &str) -> Option<Type> {
        match &ty {
            Type::Any => Some(Type::String),
            _ if location == ParamLocation::Cookie && (matches!(ty, Type::Array(_)) || self.is_object_type(&ty)) => {
                self.error(at, "cookie parameters that are arrays or objects are not supported");
                None
            }
            Type::Array(item) if self.is_object_type(item) || matches!(**item, Type::Array(_)) => {
                let message = "parameters that are arrays of objects or of arrays are not supported; describe the parameter as a string";
                // Lenient: a string the caller writes as the service expects.
                self.sloppy(at, message).then_some(Type::String)
            }
            _ => Some(ty),
        }
    }

    /// `ty` read through aliases, a few deep (alias cycles are refused by a later pass).
    fn dealiased(&self, mut ty: Type) -> Type {
        for _ in 0..8 {
            match &ty {
                Type::Named(name) => match self.types.get(name).map(|t| &t.kind) {
                    Some(TypeKind::Alias(target)) => ty = target.clone(),
                    _ => break,
                },
                _ => break,
            }
        }
        ty
    }

    /// An object (a struct, union or map), read through aliases (`StringList: {type: object}`).
    fn is_object_type(&self, ty: &Type) -> bool {
        match self.dealiased(ty.clone()) {
            Type::Object | Type::Map(_) => true,
            Type::Named(name) => {
                matches!(self.types.get(&name).map(|t| &t.kind), Some(TypeKind::Struct { .. } | TypeKind::Union { .. }))
            }
            _ => false,
        }
    }

    /// The parameter's `style` and `explode`, when its value is not written
    /// plainly: a scalar in `simple` (path, header) or any query style is its
    /// text, and an array in `form` with `explode` is the name repeated.
    fn param_style(&self, ty: &Type, param: &Parameter) -> Option<ParamStyle> {
        use openapiv3::{PathStyle, QueryStyle};
        let explode = param.parameter_data_ref().explode;
        let (style, default_explode) = match param {
            Parameter::Path { style: PathStyle::Simple, .. } | Parameter::Header { .. } => (Style::Simple, false),
            Parameter::Path { style: PathStyle::Label, .. } => (Style::Label, false),
            Parameter::Path { style: PathStyle::Matrix, .. } => (Style::Matrix, false),
            Parameter::Query { style: QueryStyle::Form, .. } => (Style::Form, true),
            Parameter::Query { style: QueryStyle::SpaceDelimited, .. } => (Style::SpaceDelimited, false),
            Parameter::Query { style: QueryStyle::PipeDelimited, .. } => (Style::PipeDelimited, false),
            Parameter::Query { style: QueryStyle::DeepObject, .. } => (Style::DeepObject, false),
            Parameter::Cookie { .. } => return None,
        };
        let explode = explode.unwrap_or(default_explode);
        let is_array = matches!(ty, Type::Array(_));
        let plain = match style {
            _ if !is_array && !self.is_object_type(ty) => {
                matches!(style, Style::Simple | Style::Form) || matches!(param, Parameter::Query { .. })
            }
            Style::Form => is_array && explode,
            _ => false,
        };
        (!plain).then_some(ParamStyle { style, explode })
    }

    fn resolve_param(&mut self, param: &'a ReferenceOr<Parameter>, at: &str) -> Option<(&'a Parameter, String)> {
        self.resolve_component(param, at, "parameters", |c| &c.parameters)
    }

    /// An item, or the item a local `$ref` names in one components section
    /// (`parameters`, `requestBodies`, `responses`), with its JSON pointer.
    fn resolve_component<T>(
        &mut self,
        item: &'a ReferenceOr<T>,
        at: &str,
        section: &str,
        entries: impl Fn(&'a openapiv3::Components) -> &'a IndexMap<String, ReferenceOr<T>>,
    ) -> Option<(&'a T, String)> {
        let reference = match item {
            ReferenceOr::Item(item) => return Some((item, at.to_owned())),
            ReferenceOr::Reference { reference } => reference,
        };
        let prefix = format!("#/components/{section}/");
        let found = reference
            .strip_prefix(&prefix)
            .and_then(|name| Some((name, entries(self.doc.components.as_ref()?).get(name)?)));
        match found {
            Some((name, ReferenceOr::Item(item))) => {
                Some((item, push_pointer(&format!("#/components/{section}"), name)))
            }
            _ => {
                self.error(
                    &push_pointer(at, "$ref"),
                    format!("`$ref: {reference}` does not resolve to an entry of components.{section}"),
                );
                None
            }
        }
    }

    /// The path template split into literal text and parameters, each
    /// placeholder resolved to a path parameter of the operation or the client.
    fn path_template(&mut self, path: &str, params: &[Param], client_params: &[Param], pointer: &str) -> PathTemplate {
        let mut segments = Vec::new();
        let mut rest = path;
        while let Some(start) = rest.find('{') {
            let Some(len) = rest[start..].find('}') else { break };
            if start > 0 {
                segments.push(PathSegment::Literal(rest[..start].to_owned()));
            }
            let name = &rest[start + 1..start + len];
            let is_named = |p: &&Param| p.location == ParamLocation::Path && p.name == name;
            let own = params.iter().find(is_named).map(|p| (p, false));
            match own.or_else(|| client_params.iter().find(is_named).map(|p| (p, true))) {
                Some((p, from_client)) => segments.push(PathSegment::Param {
                    name: name.to_owned(),
                    rust_name: p.rust_name.clone(),
                    ty: p.ty.clone(),
                    from_client,
                    style: p.style,
                }),
                None => self.error(
                    pointer,
                    format!("path template names `{{{name}}}` but the operation has no path parameter `{name}`"),
                ),
            }
            rest = &rest[start + len + 1..];
        }
        if !rest.is_empty() {
            segments.push(PathSegment::Literal(rest.to_owned()));
        }
        let template = PathTemplate { segments };
        for p in params.iter().filter(|p| p.location == ParamLocation::Path) {
            let placed =
                template.segments.iter().any(|s| matches!(s, PathSegment::Param { name, .. } if *name == p.name));
            if !placed {
                self.error(
                    pointer,
                    format!("path parameter `{}` does not appear in the path template `{path}`", p.name),
                );
            }
        }
        template
    }

    pub(super) fn body(
        &mut self,
        body: Option<&'a ReferenceOr<openapiv3::RequestBody>>,
        op_name: &str,
        pointer: &str,
    ) -> Option<Body> {
        let (body, at) =
            self.resolve_component(body?, &push_pointer(pointer, "requestBody"), "requestBodies", |c| {
                &c.request_bodies
            })?;
        let content_at = push_pointer(&at, "content");
        let Some(chosen) = chosen_media(&body.content) else {
            let types: Vec<_> = body.content.keys().cloned().collect();
            self.error(&content_at, format!("request body has no media type with a schema (found {types:?})"));
            return None;
        };
        let schema_at = push_pointer(&push_pointer(&content_at, chosen.media_type), "schema");
        let hint = format!("{}Body", pascal(op_name));
        let ty = match (chosen.kind, &chosen.media.schema) {
            (BodyMedia::Text, _) => Type::Text,
            (BodyMedia::Binary, _) => Type::ByteStream,
            (BodyMedia::Json, Some(schema)) => self.type_of_ref(schema, &hint, &schema_at),
            (BodyMedia::Form | BodyMedia::Multipart, Some(schema)) => {
                self.members_type(schema, chosen.kind, &hint, &schema_at)?
            }
            (_, None) => unreachable!("chosen_media picks JSON, form and multipart media with a schema only"),
        };
        // A form or multipart body read leniently as bytes is sent as such.
        let media = if ty == Type::ByteStream { BodyMedia::Binary } else { chosen.kind };
        Some(Body {
            ty,
            media,
            content_type: chosen.content_type(),
            other_media_types: body.content.keys().filter(|m| *m != chosen.media_type).cloned().collect(),
            required: body.required,
            doc: Doc { description: body.description.clone(), ..Doc::default() },
            examples: chosen.examples(),
        })
    }

    /// The struct of a form or multipart body, whose members are its fields or
    /// parts. A `format: binary` member of a multipart body is a file
    /// ([`Type::File`]): such a schema is lowered as the body's own struct,
    /// even when it is a component used elsewhere as JSON.
    fn members_type(
        &mut self,
        schema: &'a ReferenceOr<Schema>,
        media: BodyMedia,
        hint: &str,
        pointer: &str,
    ) -> Option<Type> {
        let ty = if media == BodyMedia::Multipart && self.has_binary_member(schema) {
            self.binary_as_file = true;
            let ty = match schema {
                ReferenceOr::Reference { reference } => match self.component(reference) {
                    Some((component, at)) => self.type_of_schema(component, hint, &at),
                    None => self.type_of_ref(schema, hint, pointer),
                },
                ReferenceOr::Item(_) => self.type_of_ref(schema, hint, pointer),
            };
            self.binary_as_file = false;
            ty
        } else {
            self.type_of_ref(schema, hint, pointer)
        };
        let is_struct = ty.held_inline().and_then(|name| self.types.get(name)).is_some_and(|t| t.kind.is_struct());
        let is_map = matches!(ty, Type::Map(_) | Type::Object);
        if is_struct || (is_map && media == BodyMedia::Form) {
            return Some(ty);
        }
        let what = if media == BodyMedia::Form { "form" } else { "multipart" };
        let message = format!("a {what} body must be an object with properties, not {ty}");
        // Lenient: a form's bytes, encoded by the caller; a multipart body
        // needs the boundary only its encoder knows, so it stays refused.
        if media == BodyMedia::Multipart {
            self.error(pointer, message);
            return None;
        }
        self.sloppy(pointer, message).then_some(Type::ByteStream)
    }

    fn responses(&mut self, responses: &'a openapiv3::Responses, op_name: &str, pointer: &str) -> Vec<ResponseDef> {
        let at = push_pointer(pointer, "responses");
        let mut all: Vec<(Status, &'a ReferenceOr<openapiv3::Response>)> = responses
            .responses
            .iter()
            .map(|(code, r)| {
                let status = match code {
                    StatusCode::Code(n) => Status::Code(*n),
                    StatusCode::Range(n) => Status::Range(*n),
                };
                (status, r)
            })
            .collect();
        if let Some(default) = &responses.default {
            all.push((Status::Default, default));
        }
        let mut out = Vec::new();
        let with_schema = all.len();
        for (status, response) in all {
            let Some((response, r_at)) =
                self.resolve_component(response, &push_pointer(&at, &status.to_string()), "responses", |c| {
                    &c.responses
                })
            else {
                continue;
            };
            let chosen = chosen_media(&response.content);
            let ty = chosen.as_ref().map(|chosen| match (chosen.kind, &chosen.media.schema) {
                (BodyMedia::Json, Some(schema)) => {
                    let hint = if with_schema > 1 && !status.is_success() {
                        format!("{}{}Response", pascal(op_name), pascal(&status.to_string()))
                    } else {
                        format!("{}Response", pascal(op_name))
                    };
                    let schema_at =
                        push_pointer(&push_pointer(&push_pointer(&r_at, "content"), chosen.media_type), "schema");
                    self.type_of_ref(schema, &hint, &schema_at)
                }
                (BodyMedia::Text, _) => Type::Text,
                _ => Type::Bytes,
            });
            let headers = response
                .headers
                .iter()
                .map(|(name, h)| {
                    let description = match h {
                        ReferenceOr::Item(h) => h.description.clone(),
                        ReferenceOr::Reference { .. } => None,
                    };
                    (name.clone(), description)
                })
                .collect();
            let examples = chosen.as_ref().map(Chosen::examples).unwrap_or_default();
            let content_type = chosen.as_ref().map(Chosen::accept);
            let description = response.description.clone();
            out.push(ResponseDef { status, description, ty, content_type, headers, examples });
        }
        out
    }
}

/// `GET /v2/{tenantId}/servers/{serverId}` → `get_v2_tenant_id_servers_server_id`.
fn derived_operation_id(method: &str, path: &str) -> String {
    snake(&format!("{method} {}", path.replace(['{', '}'], "")))
}

/// What a successful call returns: the documented 2xx responses decide, or
/// `default` when there is none.
fn success_of(responses: &[ResponseDef]) -> Success {
    let mut success: Vec<&ResponseDef> = responses.iter().filter(|r| r.status.is_success()).collect();
    if success.is_empty() {
        success = responses.iter().filter(|r| r.status == Status::Default).collect();
    }
    let mut types: Vec<&Type> = success.iter().filter_map(|r| r.ty.as_ref()).collect();
    types.dedup();
    let without_body = success.iter().any(|r| r.ty.is_none());
    match types.as_slice() {
        // No text or bytes is an empty string or an empty `Bytes`.
        [ty @ (Type::Text | Type::Bytes)] => Success::Body((*ty).clone()),
        [] => Success::Empty,
        [ty] if without_body => Success::BodyOrEmpty((*ty).clone()),
        [ty] => Success::Body((*ty).clone()),
        _ => Success::ByStatus(
            success
                .iter()
                .map(|r| StatusBody { status: r.status, description: r.description.clone(), ty: r.ty.clone() })
                .collect(),
        ),
    }
}

/// The media type to ask for when a success response is text or bytes.
fn accept_of(responses: &[ResponseDef]) -> Option<String> {
    let success = responses.iter().filter(|r| r.status.is_success() || r.status == Status::Default);
    success.filter(|r| matches!(r.ty, Some(Type::Text | Type::Bytes))).find_map(|r| r.content_type.clone())
}

/// Where an operation is in the document, and the service's security schemes.
struct Site<'a, 'p> {
    schemes: &'p Schemes,
    path: &'a str,
    item: &'a openapiv3::PathItem,
    op: &'a openapiv3::Operation,
    pointer: String,
    path_pointer: &'p str,
}
