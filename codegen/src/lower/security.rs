//! Security schemes: the one the client's credentials are for, the others
//! some operations name, and each operation's requirement.

use openapiv3::{APIKeyLocation, ReferenceOr, SecurityRequirement, SecurityScheme};

use super::*;
use crate::error::push_pointer;

/// The schemes of a description, lowered once and read by every operation.
pub(super) struct Schemes {
    /// The scheme `Config::new`'s credentials are for: the description's
    /// first requirement, else the first an operation states (many
    /// descriptions name their scheme per operation only).
    pub default: Option<String>,
    pub auth: Auth,
    /// The other schemes operations name, in order of first mention.
    pub others: Vec<NamedScheme>,
}

impl Schemes {
    /// Whether credentials for `name` can be configured.
    fn usable(&self, name: &str) -> bool {
        self.default.as_deref() == Some(name) || self.others.iter().any(|other| other.name == name)
    }
}

impl<'a> Lowerer<'a> {
    pub(super) fn schemes(&mut self) -> Schemes {
        let mut named: Vec<&'a String> = Vec::new();
        for requirement in self.requirements() {
            for name in requirement.keys() {
                if !named.contains(&name) {
                    named.push(name);
                }
            }
        }
        let Some((default, rest)) = named.split_first() else {
            return Schemes { default: None, auth: Auth::None, others: Vec::new() };
        };
        let auth = match self.scheme(default) {
            Ok(auth) => auth,
            Err((pointer, message)) => {
                self.error(&pointer, message);
                Auth::None
            }
        };
        let mut others = Vec::new();
        for name in rest {
            match self.scheme(name) {
                Ok(auth) => others.push(NamedScheme { name: name.to_string(), auth }),
                Err((pointer, message)) => {
                    // Lenient: the operations naming it only accept the others.
                    self.sloppy(&pointer, message);
                }
            }
        }
        Schemes { default: Some(default.to_string()), auth, others }
    }

    /// Every security requirement of the description: its own, then its operations'.
    fn requirements(&self) -> impl Iterator<Item = &'a SecurityRequirement> {
        let operations = self.doc.paths.paths.values().filter_map(|item| item.as_item());
        let stated = operations.flat_map(|item| item.iter().map(|(_, op)| op)).filter_map(|op| op.security.as_ref());
        self.doc.security.iter().chain(stated).flatten()
    }

    /// One scheme of `components.securitySchemes`, or where and why it cannot be used.
    fn scheme(&self, name: &str) -> Result<Auth, (String, String)> {
        let pointer = push_pointer("#/components/securitySchemes", name);
        let scheme = self.doc.components.as_ref().and_then(|c| c.security_schemes.get(name));
        let Some(ReferenceOr::Item(scheme)) = scheme else {
            return Err((pointer, format!("security scheme `{name}` is not defined")));
        };
        use SecurityScheme as S;
        Ok(match scheme {
            S::APIKey { location: APIKeyLocation::Header, name: header, extensions, .. } => {
                match ext_str(extensions, "x-cloudsdk-auth") {
                    Some(value) => match Vendor::from_x_auth(&value) {
                        Some(vendor) => Auth::Vendor(vendor),
                        None => {
                            let at = push_pointer(&pointer, "x-cloudsdk-auth");
                            return Err((
                                at,
                                format!("`x-cloudsdk-auth: {value}` names no scheme the generator knows"),
                            ));
                        }
                    },
                    None if header.eq_ignore_ascii_case("x-auth-token") => Auth::Token,
                    None => Auth::ApiKeyHeader { name: header.clone() },
                }
            }
            S::APIKey { location: APIKeyLocation::Cookie, name, .. } => Auth::ApiKeyCookie { name: name.clone() },
            S::APIKey { location: APIKeyLocation::Query, name, .. } => Auth::ApiKeyQuery { name: name.clone() },
            S::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("bearer") => Auth::Bearer,
            S::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("basic") => Auth::Basic,
            S::OAuth2 { .. } | S::OpenIDConnect { .. } => Auth::OAuth2,
            S::HTTP { scheme, .. } => {
                let message = format!("HTTP authentication scheme `{scheme}` is not supported (basic and bearer are)");
                return Err((pointer, message));
            }
        })
    }

    /// What `op` accepts: the client's credentials, none, or any of a list of
    /// scheme sets. A requirement naming a scheme that cannot be configured
    /// is left out (reported once, by [`Self::schemes`]).
    pub(super) fn operation_security(&self, op: &openapiv3::Operation, schemes: &Schemes) -> OperationSecurity {
        let Some(requirements) = op.security.as_ref().or(self.doc.security.as_ref()) else {
            return OperationSecurity::Client;
        };
        if requirements.is_empty() {
            return OperationSecurity::Anonymous;
        }
        let alternatives: Vec<Vec<String>> = requirements
            .iter()
            .filter(|requirement| requirement.keys().all(|name| schemes.usable(name)))
            .map(|requirement| requirement.keys().cloned().collect())
            .collect();
        let only_default = schemes.default.iter().cloned().collect::<Vec<_>>();
        if alternatives.is_empty() || alternatives == [only_default] {
            OperationSecurity::Client
        } else {
            OperationSecurity::Alternatives(alternatives)
        }
    }
}
