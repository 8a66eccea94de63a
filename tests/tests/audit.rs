//! `cargo xtask audit`: today's docs agree with the specs (every deviation
//! explained by an ERRATA key), and a change planted in a copy of each
//! vendor's docs page is reported with its kind, docs line and spec pointer.

use std::path::{Path, PathBuf};

use xtask::audit::{audit, default_docs_dir, Difference, FileReport, Kind, Options};

fn docs(name: &str) -> PathBuf {
    default_docs_dir(&sdk_tests::root()).join(name)
}

/// Audits `path` against the specs it belongs to.
fn report_of(path: &Path) -> Result<FileReport, String> {
    let options = Options { docs: vec![path.to_path_buf()], specs: Vec::new() };
    audit(&sdk_tests::root(), &options).map(|mut reports| reports.remove(0))
}

/// A copy of the docs page `name` with `plant` applied, audited; and the
/// planted text, to find lines in.
fn planted(name: &str, plant: impl Fn(&str) -> String) -> (FileReport, String) {
    let original = std::fs::read_to_string(docs(name)).expect("docs page");
    let text = plant(&original);
    assert_ne!(text, original, "the plant changed nothing in {name}");
    let dir = std::env::temp_dir().join(format!("audit-test-{}-{}", std::process::id(), unique()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, &text).unwrap();
    let report = report_of(&path).expect("the planted copy is audited");
    std::fs::remove_dir_all(&dir).ok();
    (report, text)
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// Replaces the first occurrence of `from` at or after the first line
/// starting with `after`.
fn replace_after(text: &str, after: &str, from: &str, to: &str) -> String {
    let start = text.find(&format!("\n{after}")).unwrap_or_else(|| panic!("no line starting {after:?}"));
    let at = start + text[start..].find(from).unwrap_or_else(|| panic!("no {from:?} after {after:?}"));
    format!("{}{to}{}", &text[..at], &text[at + from.len()..])
}

/// Removes the lines from the one starting with `from` up to (not
/// including) the next one starting with `to`.
fn cut(text: &str, from: &str, to: &str) -> String {
    let start = text.find(&format!("\n{from}")).unwrap_or_else(|| panic!("no line {from:?}")) + 1;
    let end = start + text[start..].find(&format!("\n{to}")).unwrap_or_else(|| panic!("no line {to:?}")) + 1;
    format!("{}{}", &text[..start], &text[end..])
}

/// The 1-based line of the first line starting with `start` (after the
/// first line starting with `after`, when given).
fn line_of(text: &str, after: Option<&str>, start: &str) -> usize {
    let skip = after.map_or(0, |a| text.lines().position(|l| l.starts_with(a)).expect("anchor line"));
    skip + 1 + text.lines().skip(skip).position(|l| l.starts_with(start)).unwrap_or_else(|| panic!("no line {start:?}"))
}

/// The unexplained difference of `kind` at `pointer`, else a panic that
/// lists what was reported.
fn find<'a>(report: &'a FileReport, kind: Kind, spec: &str, pointer: &str) -> &'a Difference {
    report.unexplained.iter().find(|d| d.kind == kind && d.pointer == pointer && d.spec == spec).unwrap_or_else(|| {
        let listed: Vec<String> = report
            .unexplained
            .iter()
            .map(|d| format!("{} {}#{} ({})", d.kind.name(), d.spec, d.pointer, d.message))
            .collect();
        panic!("no {} at {spec}#{pointer}; reported:\n{}", kind.name(), listed.join("\n"))
    })
}

/// The plant caused exactly `n` unexplained differences: nothing spurious.
fn only(report: &FileReport, n: usize) {
    let listed: Vec<String> =
        report.unexplained.iter().map(|d| format!("{} {}#{}", d.kind.name(), d.spec, d.pointer)).collect();
    assert_eq!(report.unexplained.len(), n, "{listed:#?}");
    assert!(report.stale.is_empty(), "{:#?}", report.stale);
}

fn at_line(d: &Difference, line: usize) {
    let place = d.docs.as_ref().expect("a docs place");
    assert_eq!(place.line, line, "{}: {}", d.kind.name(), place.quote);
}

#[test]
fn todays_docs_agree_with_the_specs() {
    let reports = audit(&sdk_tests::root(), &Options { docs: Vec::new(), specs: Vec::new() }).expect("audit runs");
    assert_eq!(reports.len(), 5, "one report per docs page");
    for r in &reports {
        assert!(r.unexplained.is_empty(), "{}: {:#?}", r.docs, r.unexplained);
        assert!(r.stale.is_empty(), "{}: stale keys {:#?}", r.docs, r.stale);
        assert!(
            r.counts.operations > 0 && r.counts.parameters > 0 && r.counts.examples > 0,
            "{}: {:?}",
            r.docs,
            r.counts
        );
    }
    let epas = reports.iter().find(|r| r.docs.ends_with("scp-epas.txt")).unwrap();
    assert_eq!((epas.counts.operations, epas.counts.models), (45, 55));
    let analytics = reports.iter().find(|r| r.docs.ends_with("scp-data-analytics.txt")).unwrap();
    assert_eq!(analytics.counts.versions, 9, "Data Flow, Data Ops and Quick Query at 1.0 and 1.1, three at 1.0");
}

#[test]
fn an_unknown_layout_is_refused_naming_the_layouts_understood() {
    let dir = std::env::temp_dir().join(format!("audit-test-{}-{}", std::process::id(), unique()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("aws-ec2.txt");
    std::fs::write(&path, "Amazon EC2 API Reference\n\nRunInstances\nPOST / HTTP/1.1\n").unwrap();
    let error = report_of(&path).expect_err("an unknown layout is an error");
    std::fs::remove_dir_all(&dir).ok();
    for vendor in ["SCP API reference", "KakaoCloud API reference", "NHN Cloud API guide"] {
        assert!(error.contains(vendor), "{error}");
    }
    assert!(error.contains("aws-ec2.txt"), "{error}");
}

mod scp {
    use super::*;

    const PAGE: &str = "scp-epas.txt";
    const SPEC: &str = "specs/scp/epas/1.0.yaml";
    const MODEL: &str = "/components/schemas/AddBlockStoragesRequest";

    #[test]
    fn a_new_member() {
        let (r, text) = planted(PAGE, |t| {
            replace_after(
                t,
                "2.1 - AddBlockStoragesRequest",
                "volume_type\n",
                "encrypted\noptional\nEncrypted\nExample : False\nboolean\nvolume_type\n",
            )
        });
        let d = find(&r, Kind::MissingMember, SPEC, &format!("{MODEL}/properties/encrypted"));
        at_line(d, line_of(&text, Some("2.1 - AddBlockStoragesRequest"), "encrypted"));
        only(&r, 1);
    }

    #[test]
    fn a_removed_operation() {
        let (r, _) = planted(PAGE, |t| cut(t, "1.5 - Delete Archive Log", "1.6 - Export Log"));
        let d = find(&r, Kind::ExtraOperation, SPEC, "/paths/~1v1~1clusters~1{cluster_id}~1archive/delete");
        assert!(d.docs.is_none());
        only(&r, 1);
    }

    #[test]
    fn a_new_enum_value() {
        let (r, text) =
            planted(PAGE, |t| replace_after(t, "2.1 - AddBlockStoragesRequest", "HDD_KMS)SSD", "HDD_KMS, NVME)SSD"));
        let d = find(&r, Kind::EnumAdded, SPEC, &format!("{MODEL}/properties/volume_type/enum/NVME"));
        at_line(d, line_of(&text, Some("2.1 - AddBlockStoragesRequest"), "volume_type"));
        only(&r, 1);
    }

    #[test]
    fn a_member_that_became_required() {
        let (r, text) = planted(PAGE, |t| {
            replace_after(t, "2.1 - AddBlockStoragesRequest", "volume_type\noptional", "volume_type\nrequired")
        });
        let d = find(&r, Kind::Required, SPEC, &format!("{MODEL}/properties/volume_type"));
        at_line(d, line_of(&text, Some("2.1 - AddBlockStoragesRequest"), "volume_type"));
        only(&r, 1);
    }

    #[test]
    fn a_changed_bound_and_length() {
        let (r, text) = planted(PAGE, |t| {
            let t = replace_after(t, "2.1 - AddBlockStoragesRequest", "Maximum : 5120", "Maximum : 10240");
            replace_after(&t, "2.12 - ClusterRestoreRequest", "Maximum length : 16", "Maximum length : 24")
        });
        let d = find(&r, Kind::Bound, SPEC, &format!("{MODEL}/properties/size_gb/maximum"));
        at_line(d, line_of(&text, Some("2.1 - AddBlockStoragesRequest"), "size_gb"));
        assert!(d.message.contains("10240") && d.message.contains("5120"), "{}", d.message);
        let d = find(
            &r,
            Kind::Bound,
            SPEC,
            "/components/schemas/ClusterRestoreRequest/properties/instance_name_prefix/maxLength",
        );
        at_line(d, line_of(&text, Some("2.12 - ClusterRestoreRequest"), "instance_name_prefix"));
        only(&r, 2);
    }

    #[test]
    fn a_renamed_path_parameter() {
        let (r, text) = planted(PAGE, |t| {
            let t = replace_after(t, "1.1.1 - 1.0", "/{instance_group_id}/", "/{group_id}/");
            replace_after(&t, "1.1.1 - 1.0", "pathinstance_group_id", "pathgroup_id")
        });
        let pointer =
            "/paths/~1v1~1instance-groups~1{instance_group_id}~1block-storage-groups/post/parameters/instance_group_id";
        let d = find(&r, Kind::RenamedParameter, SPEC, pointer);
        at_line(d, line_of(&text, None, "pathgroup_id"));
        only(&r, 1);
    }

    #[test]
    fn a_new_api_version_section() {
        let (r, text) = planted(PAGE, |t| {
            let section = &t[t.find("1.1.1 - 1.0\n").unwrap()..t.find("1.2 - Create Cluster\n").unwrap()];
            let newer = section.replace("1.1.1 - 1.0", "1.1.2 - 1.1").replace("epas 1.0", "epas 1.1");
            t.replacen("1.2 - Create Cluster\n", &format!("{newer}1.2 - Create Cluster\n"), 1)
        });
        let d = find(&r, Kind::NewVersion, "specs/scp/epas/1.1.yaml", "");
        at_line(d, line_of(&text, Some("1.1.2 - 1.1"), "post /v1/instance-groups"));
        only(&r, 1);
    }

    /// Cache Store's page has Markdown tables.
    #[test]
    fn a_new_status_and_an_optional_parameter_in_markdown_tables() {
        let (r, text) = planted("scp-cachestore.txt", |t| {
            let t = replace_after(
                t,
                "1 - Create Cluster",
                "| 403 | Forbidden | None |\n",
                "| 403 | Forbidden | None |\n| 409 | Conflict | None |\n",
            );
            replace_after(&t, "2 - Create Restore Cluster", "| cluster_id required |", "| cluster_id optional |")
        });
        let spec = "specs/scp/cachestore/1.0.yaml";
        let d = find(&r, Kind::MissingStatus, spec, "/paths/~1v1~1clusters/post/responses/409");
        at_line(d, line_of(&text, None, "| 409 | Conflict"));
        let d = find(
            &r,
            Kind::Required,
            spec,
            "/paths/~1v1~1clusters~1{cluster_id}~1restore/post/parameters/cluster_id/required",
        );
        at_line(d, line_of(&text, None, "| path | cluster_id optional"));
        only(&r, 2);
    }
}

mod kakaocloud {
    use super::*;

    const PAGE: &str = "kakaocloud-redis.txt";
    const SPEC: &str = "specs/kakaocloud/redis/v1.yaml";
    const CREATE: &str = "/components/schemas/CreateInstanceSetRequest";

    #[test]
    fn a_new_member() {
        let (r, text) = planted(PAGE, |t| {
            replace_after(
                t,
                "Create new instance set",
                "port*Integer",
                "maxMemoryPolicyStringEviction policy\nport*Integer",
            )
        });
        let d = find(&r, Kind::MissingMember, SPEC, &format!("{CREATE}/properties/maxMemoryPolicy"));
        at_line(d, line_of(&text, None, "maxMemoryPolicyString"));
        only(&r, 1);
    }

    #[test]
    fn a_removed_operation() {
        let (r, _) = planted(PAGE, |t| cut(t, "Promote replica to primary", "Add instance"));
        find(&r, Kind::ExtraOperation, SPEC, "/paths/~1v1~1instance-sets~1{instance-set-id}~1primary/patch");
        only(&r, 1);
    }

    #[test]
    fn a_new_enum_value() {
        let (r, text) = planted(PAGE, |t| t.replace("Supports versions 7.2.6,", "Supports versions 8.0.0, 7.2.6,"));
        let d = find(&r, Kind::EnumAdded, SPEC, "/components/schemas/RedisVersion/enum/8.0.0");
        at_line(d, line_of(&text, None, "version*String"));
        only(&r, 1);
    }

    #[test]
    fn a_member_that_became_required() {
        let (r, text) = planted(PAGE, |t| {
            replace_after(t, "Create new instance set", "BodydescriptionString", "Bodydescription*String")
        });
        let d = find(&r, Kind::Required, SPEC, &format!("{CREATE}/properties/description"));
        at_line(d, line_of(&text, None, "Bodydescription*String"));
        only(&r, 1);
    }

    #[test]
    fn a_changed_length_and_bound() {
        let (r, text) = planted(PAGE, |t| {
            let t = replace_after(t, "Create new instance set", "- Max 100 characters", "- Max 200 characters");
            replace_after(&t, "Create new instance set", "(2000 - 50000)", "(1024 - 50000)")
        });
        let d = find(&r, Kind::Bound, SPEC, &format!("{CREATE}/properties/description/maxLength"));
        at_line(d, line_of(&text, Some("Create new instance set"), "BodydescriptionString"));
        let d = find(&r, Kind::Bound, SPEC, &format!("{CREATE}/properties/port/minimum"));
        at_line(d, line_of(&text, Some("Create new instance set"), "port*Integer"));
        only(&r, 2);
    }

    #[test]
    fn a_renamed_path_parameter() {
        let (r, text) = planted(PAGE, |t| {
            let t = replace_after(t, "Set high availability mode", "{instance-set-id}/recovery", "{set-id}/recovery");
            replace_after(&t, "Set high availability mode", "URL{instance-set-id}*", "URL{set-id}*")
        });
        let d = find(&r, Kind::RenamedParameter, SPEC, "/components/parameters/InstanceSetId");
        at_line(d, line_of(&text, None, "URL{set-id}*"));
        only(&r, 1);
    }

    #[test]
    fn a_new_api_version_section() {
        let (r, text) = planted(PAGE, |t| {
            let start = t.find("Get instance list of instance set\n").unwrap();
            let end = t.find("Delete instance from instance set\n").unwrap();
            let newer = t[start..end].replace("kakaocloud.com/v1/", "kakaocloud.com/v2/");
            format!("{t}\n{newer}")
        });
        let d = find(&r, Kind::NewVersion, "specs/kakaocloud/redis/v2.yaml", "");
        let line = text.lines().position(|l| l.contains("kakaocloud.com/v2/")).unwrap() + 1;
        at_line(d, line);
        only(&r, 1);
    }
}

mod nhncloud {
    use super::*;

    const PAGE: &str = "nhncloud-compute.txt";
    const SPEC: &str = "specs/nhncloud/compute/v2.yaml";

    #[test]
    fn a_new_member() {
        let (r, text) = planted(PAGE, |t| {
            replace_after(
                t,
                "타입 목록 상세 보기",
                "flavors.disk Body Integer 기본 디스크 크기(GB)\n",
                "flavors.disk Body Integer 기본 디스크 크기(GB)\nflavors.description Body String 인스턴스 타입 설명\n",
            )
        });
        let d = find(&r, Kind::MissingMember, SPEC, "/components/schemas/FlavorDetail/properties/description");
        at_line(d, line_of(&text, None, "flavors.description Body"));
        only(&r, 1);
    }

    #[test]
    fn a_removed_operation() {
        let (r, _) = planted(PAGE, |t| cut(t, "키페어 삭제하기", "인스턴스\n"));
        find(&r, Kind::ExtraOperation, SPEC, "/paths/~1v2~1{tenantId}~1os-keypairs~1{keypairName}/delete");
        only(&r, 1);
    }

    #[test]
    fn a_new_enum_value() {
        let (r, text) =
            planted(PAGE, |t| t.replace("재부팅 방식, SOFT 또는 HARD", "재부팅 방식, SOFT 또는 HARD 또는 FORCE"));
        let d = find(&r, Kind::EnumAdded, SPEC, "/components/schemas/RebootParams/properties/type/enum/FORCE");
        at_line(d, line_of(&text, None, "reboot.type Body Enum"));
        only(&r, 1);
    }

    #[test]
    fn a_member_that_became_required() {
        let (r, text) = planted(PAGE, |t| {
            t.replace("keypair.public_key Body String - 등록할", "keypair.public_key Body String O 등록할")
        });
        let d = find(&r, Kind::Required, SPEC, "/components/schemas/KeypairCreate/properties/public_key");
        at_line(d, line_of(&text, None, "keypair.public_key Body String O"));
        only(&r, 1);
    }

    #[test]
    fn a_changed_bound_and_length() {
        let (r, text) = planted(PAGE, |t| {
            t.replace("최댓값은 10.", "최댓값은 20.").replace("65535 바이트까지 허용", "32768 바이트까지 허용")
        });
        let d = find(&r, Kind::Bound, SPEC, "/components/schemas/ServerCreate/properties/max_count/maximum");
        at_line(d, line_of(&text, None, "server.max_count Body"));
        let d = find(&r, Kind::Bound, SPEC, "/components/schemas/ServerCreate/properties/user_data/maxLength");
        at_line(d, line_of(&text, None, "server.user_data body"));
        only(&r, 2);
    }

    #[test]
    fn a_renamed_path_parameter() {
        let (r, text) = planted(PAGE, |t| {
            let t = t.replacen(
                "GET /v2/{tenantId}/os-keypairs/{keypairName}",
                "GET /v2/{tenantId}/os-keypairs/{keypair_name}",
                1,
            );
            replace_after(&t, "GET /v2/{tenantId}/os-keypairs/{keypair_name}", "keypairName URL", "keypair_name URL")
        });
        let d = find(&r, Kind::RenamedParameter, SPEC, "/components/parameters/KeypairName");
        at_line(d, line_of(&text, None, "keypair_name URL"));
        only(&r, 1);
    }

    #[test]
    fn a_new_api_version_section() {
        let (r, text) = planted(PAGE, |t| {
            let start = t.find("가용성 목록 보기\n").unwrap();
            let end = t.find("키페어\n").unwrap();
            let newer = t[start..end].replace("/v2/{tenantId}", "/v3/{tenantId}");
            format!("{t}\n{newer}")
        });
        let d = find(&r, Kind::NewVersion, "specs/nhncloud/compute/v3.yaml", "");
        at_line(d, line_of(&text, None, "GET /v3/{tenantId}/os-availability-zone"));
        only(&r, 1);
    }
}

/// Truncated and thinned-out pages are odd input: the audit reports them
/// (an error, or differences with their lines), it never panics.
#[test]
fn odd_input_never_panics() {
    let dir = std::env::temp_dir().join(format!("audit-test-{}-{}", std::process::id(), unique()));
    std::fs::create_dir_all(&dir).unwrap();
    for name in ["scp-epas.txt", "scp-cachestore.txt", "kakaocloud-redis.txt", "nhncloud-compute.txt"] {
        let text = std::fs::read_to_string(docs(name)).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let mut variants: Vec<String> = (1..8).map(|k| lines[..lines.len() * k / 8].join("\n")).collect();
        variants.extend((3..6).map(|n| {
            lines.iter().enumerate().filter(|(i, _)| i % n != 0).map(|(_, l)| *l).collect::<Vec<_>>().join("\n")
        }));
        variants.push(text.replace('{', "").replace('|', " "));
        for (k, variant) in variants.iter().enumerate() {
            let path = dir.join(format!("{k}-{name}"));
            std::fs::write(&path, variant).unwrap();
            let _ = report_of(&path);
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}
