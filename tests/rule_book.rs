//! The rule book, `docs/rules.md`, defines every rule id the repository
//! cites, and every rule in it names its AWS source and the tests that pin it.
//!
//! A rule is defined by a heading `### V7. Title`. A citation is an id in one
//! of the forms `docs/rules.md` lists under "How to cite a rule":
//! parenthesised (`(V7)`, `(R1-R6, O7)`, `(CG4 ⚠)`, `(A1: …)`), a label
//! at the start of a comment, a sentence or a string (`// E2: …`,
//! `"C7: …"`, `…; V6: …`), after the word rule (`rule G1`, `rules V1-V8`),
//! a `#[test]` function named after its rules (`fn g5_g10_…`), or a case id
//! (`"id": "e3-…"`). Ids anywhere else are not citations: `S3` is also a
//! service and `L2` a cache, so a bare mention proves nothing.
//!
//! The scan walks the crate's own directories with `std::fs`, reads only text
//! files, and skips build output and fuzzing corpora.

#![allow(
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers fail loudly; clippy.toml allows these only inside #[test] fns"
)]

use regex::Regex;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The rule book, relative to the crate root.
const BOOK: &str = "docs/rules.md";

/// Where citations are looked for, relative to the crate root.
const SCANNED: &[&str] = &[
    "src",
    "tests",
    "benches",
    "examples",
    "fuzz",
    "fixtures",
    "docs",
    "README.md",
    "SECURITY.md",
];

/// Extensions of the files that can hold a citation.
const TEXT: &[&str] = &["rs", "md", "jsonl", "json", "toml", "yml", "yaml", "py"];

/// Directories of build output and generated fuzzing data.
const SKIPPED_DIRS: &[&str] = &["target", "corpus", "artifacts", "coverage", "seeds"];

/// This file quotes citation shapes (and look-alikes) as test data.
const SELF: &str = "tests/rule_book.rs";

/// Ids that also name something else (`S3` is Amazon S3): they count only
/// where a citation starts with them, never at the end of a parenthesis,
/// where `(DynamoDB, S3)` is prose.
const AMBIGUOUS: &[&str] = &["S3"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// One rule of the book: its id, the line of its heading and its text up to
/// the next heading.
struct Rule {
    id: String,
    line: usize,
    body: Vec<String>,
}

/// The rules `book` defines, in order.
fn rules(book: &str) -> Vec<Rule> {
    let heading = Regex::new(r"^### ([A-Z]{1,2}[0-9]{1,2})\. \S").expect("regex");
    let mut rules: Vec<Rule> = Vec::new();
    let mut open = false;
    for (n, line) in book.lines().enumerate() {
        if let Some(c) = heading.captures(line) {
            rules.push(Rule {
                id: c[1].to_owned(),
                line: n + 1,
                body: Vec::new(),
            });
            open = true;
        } else if line.starts_with('#') {
            open = false;
        } else if open {
            if let Some(rule) = rules.last_mut() {
                rule.body.push(line.to_owned());
            }
        }
    }
    rules
}

/// The id families (`G`, `CG`, …) the book defines: the scanner looks only
/// for these, so `EC2` or `S3_RESOURCES` never look like rules.
fn families<'a>(ids: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
    ids.into_iter()
        .map(|id| id.trim_end_matches(|c: char| c.is_ascii_digit()).to_owned())
        .collect()
}

/// Finds rule citations in text, in the forms the book documents.
struct Scanner {
    /// Any id-shaped token: lines without one are skipped (a quick test, so
    /// that the scan stays fast in debug builds).
    any_id: Regex,
    /// Forms whose group 1 is a list of ids such as `R1-R6, O7`.
    lists: Vec<Regex>,
    /// The form that ends a parenthesis, `(action names, A1)`.
    trailing: Regex,
    /// One id, or a range of two, inside a list.
    item: Regex,
    /// A test function named after its rules: group 1 is `g5_g10_`.
    test_fn: Regex,
    /// Any function definition (ends a pending `#[test]`).
    any_fn: Regex,
    /// A case id such as `"id": "e3-identity-only"`: group 1 is `e3`.
    case_id: Regex,
}

impl Scanner {
    fn new(families: &BTreeSet<String>) -> Scanner {
        // Longest first, so `CG` wins over `C`.
        let mut fams: Vec<&str> = families.iter().map(String::as_str).collect();
        fams.sort_by_key(|f| std::cmp::Reverse(f.len()));
        let upper = fams.join("|");
        let lower = upper.to_lowercase();
        let id = format!(r"\b(?:{upper})[0-9]{{1,2}}\b");
        let item = format!(r"{id}(?:[-–]{id})?");
        let list = format!(r"({item}(?:(?:, | ?/ ?){item})*)");
        let lists = [
            // (V7) (R1-R6, O7) (CG4 ⚠) (⚠ R4) (A1: …) (R1; … (R7, fail-closed …
            format!(r"(?:^|[^\w])\((?:⚠ )?{list}(?:\)|\s⚠|[:;]\s|[:;,]$|,\s[a-z])"),
            // A label opening a line, a comment or a Markdown item: `// E2: …`,
            // `// C7 ⚠: …`, `// S3. https…`.
            format!(r"^\s*(?:(?://[/!]?|#+|[-*>])\s*)?{list}(?:\s⚠)?(?::\s|:$|\.\s|\.$)"),
            // A label opening a sentence: `…; V6: an identity id`.
            format!(r"[;.]\s{list}:\s"),
            // A label opening a string: `"C7: several values"`.
            format!(r#""{list}(?::\s|\.\s)"#),
            // After the word rule: `rule G1`, `rules V1-V8`.
            format!(r"\b[Rr]ules?\s{list}"),
        ];
        Scanner {
            any_id: Regex::new(&id).expect("id regex"),
            trailing: Regex::new(&format!(r",\s{list}(?:\s⚠)?\)")).expect("trailing regex"),
            lists: lists
                .iter()
                .map(|re| Regex::new(re).expect("citation regex"))
                .collect(),
            item: Regex::new(&format!(r"({id})(?:[-–]({id}))?")).expect("item regex"),
            test_fn: Regex::new(&format!(
                r"^\s*(?:pub(?:\([^)]*\))?\s+)?(?:async\s+)?fn\s+((?:(?:{lower})[0-9]{{1,2}}_)+)"
            ))
            .expect("test fn regex"),
            any_fn: Regex::new(r"^\s*(?:pub(?:\([^)]*\))?\s+)?(?:const\s+)?(?:async\s+)?fn\s+\w")
                .expect("fn regex"),
            case_id: Regex::new(&format!(r#""id":\s*"((?:{lower})[0-9]{{1,2}})-"#))
                .expect("case id regex"),
        }
    }

    /// Every citation in `text`, as (line number, id).
    fn scan(&self, text: &str) -> Vec<(usize, String)> {
        let mut found = Vec::new();
        let mut pending_test = false;
        for (n, line) in text.lines().enumerate() {
            let n = n + 1;
            let trimmed = line.trim_start();
            if trimmed.starts_with("#[test]") {
                pending_test = true;
                continue;
            }
            if line.contains("fn ") && self.any_fn.is_match(line) {
                if pending_test {
                    if let Some(c) = self.test_fn.captures(line) {
                        for id in c[1].split('_').filter(|s| !s.is_empty()) {
                            found.push((n, id.to_uppercase()));
                        }
                    }
                }
                pending_test = false;
            }
            if line.contains("\"id\"") {
                for c in self.case_id.captures_iter(line) {
                    found.push((n, c[1].to_uppercase()));
                }
            }
            if !self.any_id.is_match(line) {
                continue;
            }
            for re in &self.lists {
                for c in re.captures_iter(line) {
                    for id in self.expand(&c[1]) {
                        found.push((n, id));
                    }
                }
            }
            for c in self.trailing.captures_iter(line) {
                for id in self.expand(&c[1]) {
                    if !AMBIGUOUS.contains(&id.as_str()) {
                        found.push((n, id));
                    }
                }
            }
        }
        // Two forms can see the same citation.
        let mut seen = BTreeSet::new();
        found.retain(|c| seen.insert(c.clone()));
        found
    }

    /// The ids of a list such as `R1-R6, O7`: a range stands for every id
    /// from its first to its last in one family.
    fn expand(&self, list: &str) -> Vec<String> {
        let mut ids = Vec::new();
        for c in self.item.captures_iter(list) {
            let first = &c[1];
            let Some(last) = c.get(2).map(|m| m.as_str()) else {
                ids.push(first.to_owned());
                continue;
            };
            match (split_id(first), split_id(last)) {
                ((f1, a), (f2, b)) if f1 == f2 && a <= b => {
                    ids.extend((a..=b).map(|k| format!("{f1}{k}")));
                }
                _ => {
                    ids.push(first.to_owned());
                    ids.push(last.to_owned());
                }
            }
        }
        ids
    }
}

/// `CG4` → (`CG`, 4).
fn split_id(id: &str) -> (&str, u32) {
    let digits = id.trim_start_matches(|c: char| c.is_ascii_uppercase());
    let family = id.strip_suffix(digits).unwrap_or(id);
    (family, digits.parse().unwrap_or(0))
}

/// The text files under the scanned paths, sorted, as paths relative to the
/// crate root.
fn scanned_files() -> Vec<String> {
    let root = root();
    let mut files = Vec::new();
    let mut stack: Vec<PathBuf> = SCANNED.iter().map(|p| root.join(p)).collect();
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if SKIPPED_DIRS.contains(&name) || name.starts_with('.') {
                continue;
            }
            let entries = fs::read_dir(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            stack.extend(entries.map(|e| e.expect("directory entry").path()));
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| TEXT.contains(&e))
        {
            let rel = path
                .strip_prefix(&root)
                .expect("under the crate root")
                .to_string_lossy()
                .replace('\\', "/");
            if rel != SELF {
                files.push(rel);
            }
        }
    }
    files.sort();
    files
}

/// The text of a list item `- **Name:** …` of `rule`, with the lines that
/// continue it (indented by two spaces) joined on.
fn field(rule: &Rule, name: &str) -> Option<String> {
    let prefix = format!("- **{name}:** ");
    let start = rule.body.iter().position(|l| l.starts_with(&prefix))?;
    let mut text = rule.body[start].strip_prefix(&prefix)?.to_owned();
    for line in rule.body[start + 1..]
        .iter()
        .take_while(|l| l.starts_with("  "))
    {
        text.push(' ');
        text.push_str(line.trim());
    }
    Some(text)
}

fn book() -> (String, Vec<Rule>) {
    let text = read(&root().join(BOOK));
    let rules = rules(&text);
    assert!(
        !rules.is_empty(),
        "{BOOK} defines no rule (`### G1. Title`)"
    );
    (text, rules)
}

#[test]
fn every_cited_rule_is_defined_in_the_book() {
    let (_, rules) = book();
    let defined: BTreeSet<&str> = rules.iter().map(|r| r.id.as_str()).collect();
    let scanner = Scanner::new(&families(defined.iter().copied()));
    let files = scanned_files();
    assert!(
        files.iter().any(|f| f == "src/lib.rs") && files.iter().any(|f| f == "tests/rules.rs"),
        "the scan missed the sources: {files:?}"
    );
    let mut cited: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for file in &files {
        for (line, id) in scanner.scan(&read(&root().join(file))) {
            cited.entry(id).or_default().push(format!("{file}:{line}"));
        }
    }
    // The scan must see the citations the code is known to make.
    for id in ["G1", "V7", "C3", "E8", "CG4"] {
        assert!(cited.contains_key(id), "no citation of {id} found");
    }
    let undefined: Vec<String> = cited
        .iter()
        .filter(|(id, _)| !defined.contains(id.as_str()))
        .map(|(id, places)| format!("{id} (cited at {})", places.join(", ")))
        .collect();
    assert!(
        undefined.is_empty(),
        "rule ids cited but not defined in {BOOK} (add a `### ID. Title` section):\n  {}",
        undefined.join("\n  ")
    );
}

#[test]
fn every_rule_is_defined_once_with_its_source_and_its_tests() {
    let (_, rules) = book();
    let root = root();
    let mut seen = BTreeSet::new();
    let mut problems = Vec::new();
    let entry = Regex::new(r"`([^`]+?)(?:::(\w+)|#([\w.-]+))`").expect("regex");
    for rule in &rules {
        let at = format!("{BOOK}:{} {}", rule.line, rule.id);
        if !seen.insert(rule.id.as_str()) {
            problems.push(format!("{at}: defined twice"));
        }
        match field(rule, "AWS") {
            Some(aws) if aws.contains("https://docs.aws.amazon.com/") => {}
            _ => problems.push(format!("{at}: no `- **AWS:** ` line with an AWS page")),
        }
        let Some(tests) = field(rule, "Tests") else {
            problems.push(format!("{at}: no `- **Tests:** ` line"));
            continue;
        };
        if tests.starts_with("none") {
            if tests.len() < "none: ".len() + 10 {
                problems.push(format!("{at}: `Tests: none` must say why"));
            }
            continue;
        }
        let mut named = 0;
        for c in entry.captures_iter(&tests) {
            named += 1;
            let path = &c[1];
            let Ok(text) = fs::read_to_string(root.join(path)) else {
                problems.push(format!("{at}: `{path}` does not exist"));
                continue;
            };
            if let Some(name) = c.get(2).map(|m| m.as_str()) {
                let defined = ["(", "<", " ("]
                    .iter()
                    .any(|open| text.contains(&format!("fn {name}{open}")));
                if !defined {
                    problems.push(format!("{at}: no `fn {name}` in {path}"));
                }
            }
            if let Some(case) = c.get(3) {
                if !text.contains(&format!(r#""id": "{}""#, case.as_str())) {
                    problems.push(format!("{at}: no case `{}` in {path}", case.as_str()));
                }
            }
        }
        if named == 0 {
            problems.push(format!(
                "{at}: `Tests:` names no test (`path::fn` or `path#case-id`)"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The scanner on known citation shapes and on look-alikes that are not
/// citations.
#[test]
fn scanner_finds_citations_and_ignores_look_alikes() {
    let fams = families([
        "G1", "A1", "R1", "V1", "C1", "O1", "S1", "E1", "L1", "CG1", "AG1",
    ]);
    let scanner = Scanner::new(&fams);
    let ids =
        |text: &str| -> Vec<String> { scanner.scan(text).into_iter().map(|(_, id)| id).collect() };
    let cites: &[(&str, &[&str])] = &[
        ("/// A variable (V7).", &["V7"]),
        ("//! ARN patterns (R1-R3, O7).", &["R1", "R2", "R3", "O7"]),
        ("/// How the head compares (CG4 ⚠).", &["CG4"]),
        (
            "/// Options that change matching (⚠ R4, R6).",
            &["R4", "R6"],
        ),
        ("/// keys (A1: names compare without case)", &["A1"]),
        ("/// pattern with the resource part (R1;", &["R1"]),
        (
            "/// `NotResource` with a variable (R7, fail-closed default).",
            &["R7"],
        ),
        ("/// letters compare equal (action names, A1).", &["A1"]),
        (
            "/// matches (positive) or none does (negated, C1, S4).",
            &["C1", "S4"],
        ),
        (
            "                    // C7 ⚠: several values under a bare operator",
            &["C7"],
        ),
        ("// Rule C5 and AA \"Null with qualifier\".", &["C5"]),
        ("    // C3, C4, S3: a missing key.", &["C3", "C4", "S3"]),
        (
            "// S3. https://docs.aws.amazon.com/IAM/latest/UserGuide/x.html",
            &["S3"],
        ),
        ("    /// E2: the root user", &["E2"]),
        ("the head compared either way; V6: an identity id", &["V6"]),
        (
            r#"        "C7: several readable values do not match""#,
            &["C7"],
        ),
        ("governed by rule R7.", &["R7"]),
        ("Rules V1-V3 apply", &["V1", "V2", "V3"]),
        (
            "| `bare_multi_value` | `NoMatch` | several values (C7) |",
            &["C7"],
        ),
        (
            "#[test]\nfn g5_g10_trust_and_identity_elements() {",
            &["G5", "G10"],
        ),
        (
            "#[test]\n/// doc\n#[allow(x)]\nfn s3_missing_or_empty_key() {",
            &["S3"],
        ),
        (r#"{"id": "e3-identity-only", "policies": []}"#, &["E3"]),
    ];
    for (text, want) in cites {
        assert_eq!(ids(text), *want, "in {text:?}");
    }
    let look_alikes = [
        "/// A canonical user id (Amazon S3 only).",
        "(S3 ARNs carry no account)",
        "Resource policies (S3, SQS, SNS) allow spaces.",
        "the services this covers (DynamoDB, S3) and (S3, Lambda).",
        "    // C5 and AA: the operator is not a citation without a colon after the list",
        r#"        decide("S3:GETOBJECT", "arn:aws:s3:::b/k", None),"#,
        r#"        ("s3:*", "S3:", true),"#,
        r#"{"Sid":"S1","Effect":"allow"}"#,
        "/// S3 actions on buckets (Service Authorization Reference).",
        "48 KiB of L1d and 1 MiB of L2 per core.",
        "check!(\"S3_BUCKET_ACTION_ON_OBJECT_ARN\", Error, \"…\", S3_RESOURCES),",
        "fn s3_reach(text: &str) -> S3Reach {",
        "#[test]\nfn arbitrary_text_never_panics() {}\nfn s3_mismatch() {}",
        "an EC2 instance (EC2), a hex id A1B2, rule ids (G1…E8), G123",
        "Some(A1) and call(E1)",
        r#"{"id": "cond-and-two-keys-one"}"#,
        "| resource (S3 bucket policy) | 20,480 | S3: \"20 KB\" |",
    ];
    for text in look_alikes {
        assert_eq!(ids(text), Vec::<String>::new(), "in {text:?}");
    }
    // Families the book does not define are not ids at all.
    assert_eq!(ids("(X9) (K1)"), Vec::<String>::new());
}

#[test]
fn rules_are_read_from_their_headings() {
    let book = "# Rules\n\n### G1. Top-level keys\n\nText.\n- **Tests:** `a::b`\n\n## 2. Actions\n\nIntro.\n\n### CG10. Ten\n";
    let rules = rules(book);
    let ids: Vec<&str> = rules.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["G1", "CG10"]);
    assert_eq!(rules[0].line, 3);
    assert!(rules[0].body.iter().any(|l| l.contains("Tests")));
    assert!(rules[1].body.is_empty());
    assert_eq!(
        families(ids),
        BTreeSet::from(["G".to_owned(), "CG".to_owned()])
    );
}
