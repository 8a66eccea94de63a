//! Servers, their variables, and the security scheme.

use openapiv3::ReferenceOr;

use super::*;
use crate::error::push_pointer;
use crate::names::pascal;

impl<'a> Lowerer<'a> {
    pub(super) fn servers(&mut self) -> Vec<Server> {
        let mut servers = Vec::new();
        for (i, server) in self.doc.servers.iter().enumerate() {
            let pointer = push_pointer("#/servers", &i.to_string());
            let mut variables = Vec::new();
            for (name, var) in server.variables.iter().flatten() {
                if !server.url.contains(&format!("{{{name}}}")) {
                    self.error(
                        &push_pointer(&push_pointer(&pointer, "variables"), name),
                        format!("variable `{name}` is not used in the URL"),
                    );
                }
                let var_pointer = push_pointer(&push_pointer(&pointer, "variables"), name);
                // Without `enum` the default is the one documented value; others go through an explicit base URL.
                let documented =
                    if var.enumeration.is_empty() { vec![var.default.clone()] } else { var.enumeration.clone() };
                if !documented.contains(&var.default) {
                    self.error(
                        &push_pointer(&var_pointer, "default"),
                        format!("default `{}` is not one of the variable's `enum` values", var.default),
                    );
                }
                let values = self.enum_values(documented.iter(), &var_pointer);
                variables.push(ServerVariable {
                    name: name.clone(),
                    rust_name: pascal(name),
                    default: var.default.clone(),
                    values,
                    description: var.description.clone(),
                });
            }
            for name in template_names(&server.url) {
                if !variables.iter().any(|v| v.name == name) {
                    self.error(&push_pointer(&pointer, "url"), format!("`{{{name}}}` in the URL has no variable"));
                }
            }
            let combinations = match server.extensions.get("x-cloudsdk-variable-combinations") {
                Some(value) => serde_json::from_value(value.clone()).unwrap_or_else(|e| {
                    self.error(
                        &push_pointer(&pointer, "x-cloudsdk-variable-combinations"),
                        format!("expected a list of variable assignments: {e}"),
                    );
                    Vec::new()
                }),
                None => Vec::new(),
            };
            servers.push(Server {
                url: server.url.clone(),
                description: server.description.clone(),
                variables,
                combinations,
            });
        }
        servers
    }

    pub(super) fn auth(&mut self) -> Auth {
        // The description's requirement, else the first an operation states:
        // many descriptions name their scheme per operation only.
        let operation_requirements = self
            .doc
            .paths
            .paths
            .values()
            .filter_map(|item| item.as_item())
            .flat_map(|item| item.iter().map(|(_, op)| op))
            .filter_map(|op| op.security.as_ref());
        let mut requirements = self.doc.security.iter().chain(operation_requirements).flatten();
        let Some(name) = requirements.find_map(|requirement| requirement.keys().next()) else { return Auth::None };
        let pointer = push_pointer("#/components/securitySchemes", name);
        let scheme = self.doc.components.as_ref().and_then(|c| c.security_schemes.get(name));
        let Some(ReferenceOr::Item(scheme)) = scheme else {
            self.error(&pointer, format!("security scheme `{name}` is not defined"));
            return Auth::None;
        };
        use openapiv3::{APIKeyLocation, SecurityScheme as S};
        match scheme {
            S::APIKey { location: APIKeyLocation::Header, name: header, extensions, .. } => {
                match ext_str(extensions, "x-cloudsdk-auth") {
                    Some(value) => match Vendor::from_x_auth(&value) {
                        Some(vendor) => Auth::Vendor(vendor),
                        None => {
                            let at = push_pointer(&pointer, "x-cloudsdk-auth");
                            self.error(&at, format!("`x-cloudsdk-auth: {value}` names no scheme the generator knows"));
                            Auth::None
                        }
                    },
                    None if header.eq_ignore_ascii_case("x-auth-token") => Auth::Token,
                    None => Auth::ApiKeyHeader { name: header.clone() },
                }
            }
            S::APIKey { location: APIKeyLocation::Cookie, name, .. } => Auth::ApiKeyCookie { name: name.clone() },
            S::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("bearer") => Auth::Bearer,
            S::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("basic") => Auth::Basic,
            S::OAuth2 { .. } | S::OpenIDConnect { .. } => Auth::OAuth2,
            S::APIKey { location: APIKeyLocation::Query, name, .. } => Auth::ApiKeyQuery { name: name.clone() },
            S::HTTP { scheme, .. } => {
                self.error(
                    &pointer,
                    format!("HTTP authentication scheme `{scheme}` is not supported (basic and bearer are)"),
                );
                Auth::None
            }
        }
    }
}
