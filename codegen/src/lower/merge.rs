//! One type per concept: inline enums, objects and unions that are identical
//! become one named type, and so do inline ones identical to a component.
//!
//! Lowering runs twice when anything merges: the first run names every inline
//! type after where it is (`InstanceGroupRequestRoleType`); [`plan`] groups the
//! identical ones and names each group; the second run gives every member of a
//! group that name, so no reference anywhere in the IR has to be rewritten.

use std::collections::{BTreeMap, BTreeSet};

use super::SCHEMA_PREFIX;
use crate::ir::{Type, TypeDef, TypeKind};
use crate::names::NameSet;

/// Where identical types meet: schema pointer → the one name they all take.
#[derive(Debug, Default)]
pub(super) struct MergePlan {
    /// Pointer of an inline schema → the name of its group.
    pub name_at: BTreeMap<String, String>,
    /// Names of merged types whose members are documented differently: the
    /// type keeps no description (each field keeps its own).
    pub mixed_docs: BTreeSet<String>,
}

impl MergePlan {
    pub fn is_empty(&self) -> bool {
        self.name_at.is_empty()
    }
}

/// A component schema's definition, not an inline one inside it.
fn is_component(def: &TypeDef) -> bool {
    def.pointer.strip_prefix(SCHEMA_PREFIX).is_some_and(|name| !name.contains('/'))
}

/// Groups the identical types of a first lowering and names each group.
///
/// Types are identical when their definitions are equal once the references
/// inside them are read through the merges found so far (enums by their set of
/// values); repeating until nothing new merges lets objects that hold merged
/// enums merge too.
pub(super) fn plan(types: &BTreeMap<String, TypeDef>) -> MergePlan {
    // Old name → merged name, grown until it settles or repeats: at most as
    // many rounds as types, and a handful in practice.
    let mut merged_into: BTreeMap<String, String> = BTreeMap::new();
    let mut shapes: BTreeMap<&str, Option<String>> =
        types.values().map(|def| (def.name.as_str(), shape(&def.kind, &merged_into))).collect();
    let mut rounds = 0;
    let mut seen: BTreeSet<BTreeMap<String, String>> = BTreeSet::new();
    let groups = loop {
        let groups = identical_groups(types, &shapes);
        let next = name_groups(types, &groups);
        // Naming a group changes the shapes of the types that refer to it,
        // which can part a group formed before: stop at a plan seen before,
        // so that an alternation between plans ends.
        let settled = next == merged_into || !seen.insert(next.clone());
        // Only a type that refers to a newly merged name can change its shape.
        let changed: BTreeSet<String> = next
            .keys()
            .chain(merged_into.keys())
            .filter(|name| next.get(*name) != merged_into.get(*name))
            .cloned()
            .collect();
        merged_into = next;
        rounds += 1;
        if settled || rounds > types.len() {
            break groups;
        }
        for def in types.values() {
            if def.references().iter().any(|name| changed.contains(*name)) {
                shapes.insert(&def.name, shape(&def.kind, &merged_into));
            }
        }
    };
    let mut plan = MergePlan::default();
    for group in &groups {
        // A group left unnamed (no shared concept, or its name taken) stays apart.
        let Some(name) = merged_into.get(&group[0].name) else { continue };
        for def in group.iter().filter(|d| !is_component(d)) {
            plan.name_at.insert(def.pointer.clone(), name.clone());
        }
        let docs = |d: &&TypeDef| (d.doc.summary.clone(), d.doc.description.clone());
        if !is_component(group[0]) && group.iter().map(docs).collect::<BTreeSet<_>>().len() > 1 {
            plan.mixed_docs.insert(name.clone());
        }
    }
    plan
}

/// Groups of two or more types that are identical, each in pointer order. A
/// group holds at most one component: two identical components are two
/// concepts by name, and inline types like both take neither name.
fn identical_groups<'t>(
    types: &'t BTreeMap<String, TypeDef>,
    shapes: &BTreeMap<&str, Option<String>>,
) -> Vec<Vec<&'t TypeDef>> {
    let mut by_shape: BTreeMap<&str, Vec<&TypeDef>> = BTreeMap::new();
    for def in types.values() {
        if let Some(Some(shape)) = shapes.get(def.name.as_str()) {
            by_shape.entry(shape).or_default().push(def);
        }
    }
    let mut groups = Vec::new();
    for mut members in by_shape.into_values() {
        members.sort_by(|a, b| (!is_component(a), &a.pointer).cmp(&(!is_component(b), &b.pointer)));
        if members.iter().filter(|d| is_component(d)).count() > 1 {
            members.retain(|d| !is_component(d));
        }
        if members.len() > 1 {
            groups.push(members);
        }
    }
    groups.sort_by(|a, b| a[0].pointer.cmp(&b[0].pointer));
    groups
}

/// A key equal for identical definitions: enums by their sorted values, other
/// definitions by their whole shape with references read through the merges.
/// Aliases are names the spec chose, never merged.
fn shape(kind: &TypeKind, merged_into: &BTreeMap<String, String>) -> Option<String> {
    match kind {
        TypeKind::Enum { values, .. } => {
            let values: BTreeSet<&str> = values.iter().map(|v| v.value.as_str()).collect();
            Some(format!("enum {values:?}"))
        }
        TypeKind::Alias(_) => None,
        other => {
            let mut renamed = other.clone();
            // Named after the struct, so never equal; not part of the shape.
            if let TypeKind::Struct { required, .. } = &mut renamed {
                *required = None;
            }
            // Variants are named after their types: read those through the merges too.
            if let TypeKind::Union { variants, .. } = &mut renamed {
                for v in variants {
                    if let Some(new) = merged_into.get(&v.rust_name) {
                        v.rust_name = new.clone();
                    }
                }
            }
            for ty in renamed.types_mut() {
                rename(ty, merged_into);
            }
            Some(format!("{renamed:?}"))
        }
    }
}

fn rename(ty: &mut Type, merged_into: &BTreeMap<String, String>) {
    match ty {
        Type::Named(name) => {
            if let Some(new) = merged_into.get(name.as_str()) {
                *name = new.clone();
            }
        }
        Type::Array(inner) | Type::Map(inner) | Type::Nullable(inner) => rename(inner, merged_into),
        _ => {}
    }
}

/// The name of every group member's merged type. A group with a component
/// takes its name. Otherwise a group is named by the words its members' names
/// end with (`…DayOfWeek` → `DayOfWeek`), or if that is one word, by the two
/// words most of them end with (`…LogType`, `…LogType`, `…ConfigsType` →
/// `LogType`);
/// where another group or type wants the same name, by the words every
/// member's name has, in order (`InstanceGroupRequestRoleType`,
/// `InstanceGroupResponseRoleType` → `InstanceGroupRoleType`). `Request` and
/// `Response` are sides of a concept, and `Item`, `Value`, `Body`, `Variant1`
/// places in a schema: never part of a name. A group whose members share no
/// concept word, or whose name is taken, is not merged (no numbered copies).
fn name_groups(types: &BTreeMap<String, TypeDef>, groups: &[Vec<&TypeDef>]) -> BTreeMap<String, String> {
    let members: BTreeSet<&str> = groups.iter().flatten().map(|d| d.name.as_str()).collect();
    let mut taken = NameSet::new("");
    for name in crate::names::RESERVED_TYPES.iter().copied().chain(types.keys().map(String::as_str)) {
        if !members.contains(name) {
            taken.reserve(name);
        }
    }
    let mut merged_into = BTreeMap::new();
    for group in groups.iter().filter(|g| is_component(g[0])) {
        taken.reserve(&group[0].name);
        for def in group {
            merged_into.insert(def.name.clone(), group[0].name.clone());
        }
    }
    let inline: Vec<&Vec<&TypeDef>> = groups.iter().filter(|g| !is_component(g[0])).collect();
    let first_choices: Vec<String> = inline.iter().map(|g| concept_suffix(g)).collect();
    let mut wanted: BTreeMap<&str, usize> = BTreeMap::new();
    first_choices.iter().for_each(|c| *wanted.entry(c).or_default() += 1);
    for (group, first) in inline.iter().zip(&first_choices) {
        let contested = wanted[first.as_str()] > 1;
        let base =
            if first.is_empty() || contested || taken.is_taken(first) { common_words(group) } else { first.clone() };
        if base.is_empty() || taken.is_taken(&base) {
            continue;
        }
        let name = taken.claim(&base);
        for def in group.iter() {
            merged_into.insert(def.name.clone(), name.clone());
        }
    }
    merged_into
}

/// Words that say which side of a call a type is on, or where in a schema it
/// sits, not what it is.
const SIDES: &[&str] = &["Request", "Response", "Item", "Value", "Body"];

fn is_concept(word: &&str) -> bool {
    !SIDES.contains(word) && !word.strip_prefix("Variant").is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()))
}

/// The PascalCase words of a type name: `DayOfWeek` → `Day`, `Of`, `Week`.
fn words(name: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in name.char_indices().skip(1) {
        if c.is_ascii_uppercase() {
            out.push(&name[start..i]);
            start = i;
        }
    }
    out.push(&name[start..]);
    out
}

/// The words every member's name ends with, sides dropped; when that is a
/// single word, the two-word ending most members share, if two or more do.
fn concept_suffix(group: &[&TypeDef]) -> String {
    let all: Vec<Vec<&str>> = group.iter().map(|d| words(&d.name)).collect();
    let shortest = all.iter().map(Vec::len).min().unwrap_or(0);
    let from_end = |w: &[&str], i: usize| w[w.len() - 1 - i] == all[0][all[0].len() - 1 - i];
    let n = (0..shortest).take_while(|&i| all.iter().all(|w| from_end(w, i))).count();
    let suffix: Vec<&str> = all[0][all[0].len() - n..].iter().copied().filter(is_concept).collect::<Vec<_>>();
    if suffix.len() >= 2 {
        return suffix.concat();
    }
    let mut endings: BTreeMap<String, usize> = BTreeMap::new();
    for w in all.iter().filter(|w| w.len() >= 2 && w[w.len() - 2..].iter().all(is_concept)) {
        *endings.entry(w[w.len() - 2..].concat()).or_default() += 1;
    }
    // Most members first; among equals, the first in name order; one member's
    // ending is not a shared name.
    let best = endings.iter().filter(|(_, n)| **n >= 2).max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)));
    best.map(|(ending, _)| ending.clone()).unwrap_or_else(|| suffix.concat())
}

/// The words of the first member's name that every other member's name has,
/// in order, once each, sides dropped.
fn common_words(group: &[&TypeDef]) -> String {
    let all: Vec<Vec<&str>> = group.iter().map(|d| words(&d.name)).collect();
    let mut out: Vec<&str> = Vec::new();
    for w in &all[0] {
        if is_concept(w) && !out.contains(w) && all.iter().all(|other| other.contains(w)) {
            out.push(w);
        }
    }
    out.concat()
}
