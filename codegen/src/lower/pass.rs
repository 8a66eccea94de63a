//! Whole-service passes over the type graph, after every type is defined.

use std::collections::HashSet;

use super::*;

impl Lowerer<'_> {
    /// `A: {$ref: B}`, `B: {$ref: A}`, or `Tree: {type: array, items: {$ref: Tree}}`
    /// would make type aliases that refer to themselves, which Rust refuses.
    pub(super) fn check_alias_cycles(&mut self) {
        let alias_edges = |name: &str| match self.types.get(name).map(|t| &t.kind) {
            Some(TypeKind::Alias(target)) => target.named().into_iter().collect(),
            _ => Vec::new(),
        };
        let faults: Vec<(String, String)> = self
            .types
            .values()
            .filter(|def| {
                matches!(def.kind, TypeKind::Alias(_)) && reaches(&alias_edges(&def.name), &def.name, &alias_edges)
            })
            .map(|def| {
                let message =
                    format!("`$ref` cycle: `{}` refers to itself through type aliases; wrap it in an object", def.name);
                (def.pointer.clone(), message)
            })
            .collect();
        for (pointer, message) in faults {
            self.error(&pointer, message);
        }
    }

    /// Sets `distinct` on union variants whose type, aliases resolved, no other
    /// variant of the same union has.
    pub(super) fn mark_distinct_variants(&mut self) {
        let marks: Vec<(String, Vec<bool>)> = self
            .types
            .values()
            .filter_map(|def| match &def.kind {
                TypeKind::Union { variants, .. } => {
                    let resolved: Vec<&Type> = variants.iter().map(|v| self.resolve_aliases(&v.ty)).collect();
                    let distinct = resolved.iter().map(|t| resolved.iter().filter(|u| *u == t).count() == 1).collect();
                    Some((def.name.clone(), distinct))
                }
                _ => None,
            })
            .collect();
        for (name, distinct) in marks {
            if let Some(TypeDef { kind: TypeKind::Union { variants, .. }, .. }) = self.types.get_mut(&name) {
                for (v, d) in variants.iter_mut().zip(distinct) {
                    v.distinct = d;
                }
            }
        }
    }

    /// Names the struct of required members of every struct that has any
    /// (`{Name}Required`), once every other type name is taken.
    pub(super) fn name_required_structs(&mut self) {
        let needing: Vec<String> = self
            .types
            .values()
            .filter(|def| match &def.kind {
                TypeKind::Struct { fields, .. } => fields.iter().any(|f| !f.is_optional()),
                _ => false,
            })
            .map(|def| def.name.clone())
            .collect();
        for name in needing {
            let required_name = self.type_names.claim(&crate::names::joined(&format!("{name}Required")));
            if let Some(TypeDef { kind: TypeKind::Struct { required, .. }, .. }) = self.types.get_mut(&name) {
                *required = Some(required_name);
            }
        }
    }

    /// Marks fields whose type contains the struct itself without indirection
    /// (directly or through other structs), so emit can box them.
    pub(super) fn box_recursive_fields(&mut self) {
        let inline_edges = |name: &str| -> Vec<&str> {
            let Some(def) = self.types.get(name) else { return Vec::new() };
            def.kind.member_types().into_iter().filter_map(Type::held_inline).collect()
        };
        let mut to_box = Vec::new();
        for (name, def) in &self.types {
            let TypeKind::Struct { fields, .. } = &def.kind else { continue };
            for (i, f) in fields.iter().enumerate() {
                if f.ty.held_inline().is_some_and(|target| reaches(&[target], name, &inline_edges)) {
                    to_box.push((name.clone(), i));
                }
            }
        }
        for (name, i) in to_box {
            if let Some(TypeDef { kind: TypeKind::Struct { fields, .. }, .. }) = self.types.get_mut(&name) {
                fields[i].boxed = true;
            }
        }
    }
}

/// Whether `to` is among `from` or reachable from them along `edges`.
fn reaches<'n>(from: &[&'n str], to: &str, edges: &impl Fn(&str) -> Vec<&'n str>) -> bool {
    let mut stack = from.to_vec();
    let mut seen = HashSet::new();
    while let Some(name) = stack.pop() {
        if name == to {
            return true;
        }
        if seen.insert(name) {
            stack.extend(edges(name));
        }
    }
    false
}
