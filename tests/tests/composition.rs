//! `oneOf` beside shared members (`properties`, or an `allOf` part): each
//! variant is a struct holding the shared members and its own.

use golden_shared_choice::types::{AddItem, Event, EventVariant1, EventVariant1Required, Volume};
use serde_json::json;

#[test]
fn a_tagged_choice_beside_properties_decodes_to_a_variant_holding_the_shared_members() {
    let disk: Volume =
        serde_json::from_value(json!({"id": "v-1", "name": "data", "kind": "disk", "size_gb": 10})).unwrap();
    let Volume::Disk(disk) = disk else { panic!("{disk:?}") };
    assert_eq!((disk.id.as_str(), disk.name.as_deref(), disk.size_gb), ("v-1", Some("data"), 10));
    let snapshot: Volume = serde_json::from_value(json!({"id": "v-2", "kind": "snapshot", "source": "v-1"})).unwrap();
    assert!(matches!(&snapshot, Volume::Snapshot(s) if s.id == "v-2" && s.source == "v-1"), "{snapshot:?}");
    let unknown = serde_json::from_value::<Volume>(json!({"id": "v-3", "kind": "tape"}));
    assert!(unknown.is_err(), "an undocumented tag is refused: {unknown:?}");
}

#[test]
fn an_untagged_choice_inside_all_of_round_trips_with_the_shared_members() {
    let login = Event::Variant1(EventVariant1::new(EventVariant1Required { at: "t1".into(), login: "kim".into() }));
    assert_eq!(serde_json::to_value(&login).unwrap(), json!({"at": "t1", "login": "kim"}));
    let logout: Event = serde_json::from_value(json!({"at": "t2", "logout": true})).unwrap();
    assert!(matches!(&logout, Event::Variant2(e) if e.at == "t2" && e.logout), "{logout:?}");
    let neither = serde_json::from_value::<Event>(json!({"at": "t3"}));
    assert!(neither.is_err(), "the shared members alone are no variant: {neither:?}");
}

#[test]
fn variants_of_bare_required_lists_choose_among_the_shared_members() {
    let by_id: AddItem = serde_json::from_value(json!({"type": "Issue", "id": 7})).unwrap();
    assert!(matches!(&by_id, AddItem::Variant1(v) if v.id == 7 && v.type_ == "Issue"), "{by_id:?}");
    let by_number: AddItem = serde_json::from_value(json!({"type": "Issue", "owner": "o", "number": 3})).unwrap();
    assert!(matches!(&by_number, AddItem::Variant2(v) if v.owner == "o" && v.number == 3), "{by_number:?}");
    assert!(serde_json::from_value::<AddItem>(json!({"type": "Issue"})).is_err(), "neither id nor owner and number");
}
