//! The vendor extensions of an operation, resolved against its parameters and
//! success body: `x-cloudsdk-body-variants`, `x-cloudsdk-pagination`, `x-cloudsdk-waiter`; and the
//! service's request waiter for `x-cloudsdk-async-request`.

use std::collections::HashMap;

use serde_json::Value;

use super::*;
use crate::error::push_pointer;
use crate::names::{pascal, snake};

impl<'a> Lowerer<'a> {
    pub(super) fn body_variants(
        &mut self,
        op: &'a openapiv3::Operation,
        body: Option<&Body>,
        pointer: &str,
        names: &mut HashMap<String, String>,
    ) -> Vec<BodyVariant> {
        let Some(raw) = op.extensions.get("x-cloudsdk-body-variants") else { return Vec::new() };
        let at = push_pointer(pointer, "x-cloudsdk-body-variants");
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Raw {
            schema: String,
            method: String,
            summary: Option<String>,
        }
        let raw: Vec<Raw> = match serde_json::from_value(raw.clone()) {
            Ok(raw) => raw,
            Err(e) => {
                self.sloppy(&at, format!("expected a list of {{schema, method, summary}}: {e}"));
                return Vec::new();
            }
        };
        if body.is_some_and(|b| !b.required) {
            self.sloppy(&at, "`x-cloudsdk-body-variants` needs a required request body");
            return Vec::new();
        }
        let (union, variants) = match body.map(|b| &b.ty) {
            Some(Type::Named(name)) => match self.types.get(name).map(|t| &t.kind) {
                Some(TypeKind::Union { variants, .. }) => (name.clone(), variants.clone()),
                _ => (String::new(), Vec::new()),
            },
            _ => (String::new(), Vec::new()),
        };
        let mut out = Vec::new();
        for (i, r) in raw.into_iter().enumerate() {
            let item_at = push_pointer(&at, &i.to_string());
            let type_name = self.component_names.get(&r.schema).cloned().unwrap_or_else(|| pascal(&r.schema));
            let Some(variant) = variants.iter().find(|v| v.ty == Type::Named(type_name.clone())) else {
                self.sloppy(&item_at, format!("`{}` is not a variant of the request body's oneOf", r.schema));
                continue;
            };
            let method = snake(&r.method);
            // Claimed here, so two variants of one list cannot share a method either.
            if let Some(first) = names.insert(method.clone(), pointer.to_owned()) {
                self.sloppy(&item_at, format!("method `{method}` is already the name of the operation at {first}"));
                continue;
            }
            let empty = self
                .struct_fields(&Type::Named(type_name.clone()))
                .is_some_and(|fields| fields.iter().all(Field::is_optional));
            out.push(BodyVariant {
                union: union.clone(),
                type_name,
                variant: variant.rust_name.clone(),
                method,
                summary: r.summary,
                empty,
            });
        }
        out
    }

    /// `x-cloudsdk-pagination`: the page parameters must be query parameters of the
    /// operation, the items an array member of its success body.
    pub(super) fn pagination(
        &mut self,
        op: &'a openapiv3::Operation,
        params: &[Param],
        success: &Success,
        pointer: &str,
    ) -> Option<Pagination> {
        let raw = op.extensions.get("x-cloudsdk-pagination")?;
        let at = push_pointer(pointer, "x-cloudsdk-pagination");
        let get = |key: &str| raw.get(key).and_then(Value::as_str).map(str::to_owned);
        // The parameter names and the items member; the cursor member for `marker`.
        let named = match get("style").as_deref() {
            Some("page") => {
                get("page").zip(get("size")).zip(get("items")).map(|((page, size), items)| (page, size, items, None))
            }
            Some("marker") => match (get("limit"), get("marker"), get("items"), get("cursor")) {
                (Some(limit), Some(marker), Some(items), Some(cursor)) => Some((limit, marker, items, Some(cursor))),
                _ => None,
            },
            _ => None,
        };
        let Some((first, second, items, cursor)) = named else {
            self.sloppy(
                &at,
                "expected {style: page, page, size, items} or {style: marker, limit, marker, items, cursor}",
            );
            return None;
        };
        let first = self.page_param(params, &first, false, &at)?;
        let second = self.page_param(params, &second, cursor.is_some(), &at)?;
        let Some((items, item)) = self.items_member(success, &items) else {
            self.sloppy(&at, format!("the operation needs one success body, an object whose `{items}` is an array"));
            return None;
        };
        let style = match cursor {
            None => PageStyle::Page { page: first, size: second },
            Some(cursor) => {
                let field = self.member(&item, &cursor).map(|f| (f.member(), self.resolve_aliases(&f.ty).clone()));
                let Some((member, ty)) = field.filter(|(_, ty)| matches!(ty, Type::String | Type::Integer(_))) else {
                    self.sloppy(
                        &at,
                        format!("the items have no string or integer member `{cursor}` to use as the next marker"),
                    );
                    return None;
                };
                let cursor = Cursor { member, ty };
                PageStyle::Marker { limit: first, marker: second, cursor }
            }
        };
        Some(Pagination { style, items, item })
    }

    /// A query parameter pagination sets: an integer, or the string marker.
    fn page_param(&mut self, params: &[Param], name: &str, is_marker: bool, at: &str) -> Option<PageParam> {
        let Some(p) = params.iter().find(|p| p.name == name && p.location == ParamLocation::Query) else {
            self.sloppy(
                at,
                format!("pagination names the query parameter `{name}`, which the operation does not have"),
            );
            return None;
        };
        let ty = self.resolve_aliases(&p.ty).clone();
        let fits = if is_marker { ty == Type::String } else { matches!(ty, Type::Integer(_)) };
        if !fits {
            let wanted = if is_marker { "a string" } else { "an integer" };
            self.sloppy(at, format!("pagination needs the query parameter `{name}` to be {wanted}"));
            return None;
        }
        Some(PageParam { rust_name: p.rust_name.clone(), required: p.required, ty })
    }

    /// The array member `name` of the success body, and its item type.
    fn items_member(&self, success: &Success, name: &str) -> Option<(Member, Type)> {
        let field = self.member(success.body()?, name)?;
        match &field.ty {
            Type::Array(item) => Some((field.member(), (**item).clone())),
            _ => None,
        }
    }

    /// `x-cloudsdk-waiter`: the state pointer must lead through struct members (and at
    /// most one array, `*`) of the success body to a string or enum; the
    /// states it lists must be values of that enum.
    pub(super) fn waiter(
        &mut self,
        op: &'a openapiv3::Operation,
        success: &Success,
        pointer: &str,
        names: &HashMap<String, String>,
    ) -> Option<Waiter> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Raw {
            method: String,
            state: String,
            #[serde(default)]
            failure: Vec<String>,
            deleted: Option<String>,
            #[serde(default)]
            deleted_states: Vec<String>,
        }
        let raw = op.extensions.get("x-cloudsdk-waiter")?;
        let at = push_pointer(pointer, "x-cloudsdk-waiter");
        let raw: Raw = match serde_json::from_value(raw.clone()) {
            Ok(w) => w,
            Err(e) => {
                self.sloppy(&at, format!("expected {{method, state, failure, deleted, deleted_states}}: {e}"));
                return None;
            }
        };
        if !raw.state.starts_with('/') {
            self.sloppy(&push_pointer(&at, "state"), "`state` must be a JSON pointer such as `/server/status`");
            return None;
        }
        if raw.deleted.is_none() && !raw.deleted_states.is_empty() {
            self.sloppy(&push_pointer(&at, "deleted_states"), "`deleted_states` needs `deleted`, the method's name");
        }
        let method = snake(&raw.method);
        let deleted = raw.deleted.as_deref().map(snake);
        for name in std::iter::once(&method).chain(&deleted) {
            if let Some(first) = names.get(name) {
                self.sloppy(&at, format!("method `{name}` is already the name of the operation at {first}"));
                return None;
            }
        }
        if deleted.as_ref() == Some(&method) {
            self.sloppy(&at, format!("`method` and `deleted` both name `{method}`"));
            return None;
        }
        let (path, ty) = self.state_path(success, &raw.state, &at)?;
        let state = self.state_type(&ty, &raw.state, &at)?;
        if let StateType::Enum(name) = &state {
            self.check_states(name, &raw.failure, "failure", &at);
            self.check_states(name, &raw.deleted_states, "deleted", &at);
        }
        let deleted = deleted.map(|method| DeletionWaiter { method, states: raw.deleted_states });
        Some(Waiter { method, pointer: raw.state, path, state, failure: raw.failure, deleted })
    }

    /// A waiter's state is text or a generated enum.
    fn state_type(&mut self, ty: &Type, pointer: &str, at: &str) -> Option<StateType> {
        match self.resolve_aliases(ty) {
            Type::String => Some(StateType::Text),
            Type::Named(name) if matches!(self.types.get(name).map(|t| &t.kind), Some(TypeKind::Enum { .. })) => {
                Some(StateType::Enum(name.clone()))
            }
            other => {
                let other = other.to_string();
                self.sloppy(at, format!("`{pointer}` leads to {other}, not a string or enum"));
                None
            }
        }
    }

    /// Every listed state must be a value of the state's enum.
    fn check_states(&mut self, enum_name: &str, states: &[String], what: &str, at: &str) {
        let Some(TypeKind::Enum { values, .. }) = self.types.get(enum_name).map(|t| &t.kind) else { return };
        let unknown: Vec<String> = states
            .iter()
            .filter(|state| !values.iter().any(|v| &v.value == *state))
            .map(|state| format!("{what} state `{state}` is not a value of `{enum_name}`"))
            .collect();
        for message in unknown {
            self.sloppy(at, message);
        }
    }

    /// The steps a waiter's JSON pointer names, from the success body on, and
    /// the type it ends at; `*` steps into the items of an array, once.
    fn state_path(&mut self, success: &Success, pointer: &str, at: &str) -> Option<(Vec<StateStep>, Type)> {
        let Some(mut ty) = success.body().cloned() else {
            self.sloppy(at, "a waiter needs an operation with a success body");
            return None;
        };
        let mut path = Vec::new();
        for segment in pointer.split('/').skip(1) {
            let segment = segment.replace("~1", "/").replace("~0", "~");
            let step = if segment == "*" {
                match self.resolve_aliases(&ty).clone() {
                    Type::Array(item) if !path.contains(&StateStep::Each) => {
                        ty = *item;
                        Some(StateStep::Each)
                    }
                    _ => None,
                }
            } else {
                self.member(&ty, &segment).map(|field| {
                    ty = field.ty.clone();
                    StateStep::Member(field.member())
                })
            };
            let Some(step) = step else {
                let message = format!(
                    "`{pointer}` does not lead through members (and at most one array, `*`) of the operation's success body"
                );
                self.sloppy(at, message);
                return None;
            };
            path.push(step);
        }
        Some((path, ty))
    }

    /// The cloud's contract for `x-cloudsdk-async-request` operations: its status
    /// operation takes the request id alone and answers with a required string
    /// state (see `crate::vendor`).
    pub(super) fn request_waiter(&mut self, auth: &Auth, operations: &[Operation]) -> Option<RequestWaiter> {
        let first = operations.iter().find(|op| op.async_request)?;
        let at = push_pointer(&first.pointer, "x-cloudsdk-async-request");
        let Some(contract) = auth.conventions().async_requests.as_ref() else {
            self.sloppy(
                &at,
                "`x-cloudsdk-async-request` needs a cloud (`x-cloudsdk-auth`) whose asynchronous requests the generator knows",
            );
            return None;
        };
        let Some(status) = operations.iter().find(|op| op.name == contract.status_operation) else {
            self.sloppy(
                &at,
                format!(
                    "`x-cloudsdk-async-request` needs the operation `{}` reporting on a request id",
                    contract.status_operation
                ),
            );
            return None;
        };
        let id_alone = status.body.as_ref().is_none_or(|b| !b.required)
            && matches!(status.params.iter().filter(|p| p.required).collect::<Vec<_>>()[..], [p] if p.ty == Type::String);
        let body = status.success.body();
        let state = body
            .and_then(|body| self.member(body, contract.state_member))
            .filter(|f| *self.resolve_aliases(&f.ty) == Type::String && !f.is_optional());
        match (body, state) {
            (Some(body), Some(state)) if id_alone => Some(RequestWaiter {
                operation: status.name.clone(),
                body: body.clone(),
                state: state.rust_name.clone(),
                classifier: contract.classifier,
            }),
            _ => {
                let message = format!(
                    "`{}` must take the request id as its one argument and answer with a required string `{}`",
                    status.name, contract.state_member
                );
                self.sloppy(&status.pointer, message);
                None
            }
        }
    }
}
