//! Servers and their variables.

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
}
