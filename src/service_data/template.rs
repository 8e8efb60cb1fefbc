//! The placeholders of the Service Authorization Reference: ARN formats such
//! as `arn:${Partition}:s3:::${BucketName}/${ObjectName}` and condition keys
//! such as `aws:RequestTag/${TagKey}` or `s3:ExistingObjectTag/<key>`.
//!
//! A template is split into literal pieces and holes; a hole matches a
//! non-empty run of characters, limited by [`Run`]. The text matched against
//! it may itself hold IAM wildcards (`*` any run, `?` one character), so a
//! policy's `Resource` can be checked as well as a request's ARN: they match
//! when some text fits both. Matching fills a table of reachable positions
//! one template byte at a time, so it takes time proportional to the
//! template times the text and never backtracks, whatever the input.

/// Which characters a hole may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Run {
    /// Whether the run may be empty (a literal `*` in an ARN format).
    pub(super) empty: bool,
    /// Whether the run may contain `/`.
    pub(super) slash: bool,
    /// Whether the run may contain `:`.
    pub(super) colon: bool,
}

impl Run {
    const ANY: Run = Run {
        empty: false,
        slash: true,
        colon: true,
    };

    fn allows(self, byte: u8) -> bool {
        match byte {
            b'/' => self.slash,
            b':' => self.colon,
            _ => true,
        }
    }
}

/// One piece of a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Piece<'a> {
    /// Text that must appear as written.
    Lit(&'a str),
    /// A placeholder (or a literal `*` of an ARN format).
    Hole(Run),
}

/// One position of a template, byte by byte.
#[derive(Debug, Clone, Copy)]
enum Item {
    Byte(u8),
    /// One byte the run allows.
    One(Run),
    /// Any number of bytes the run allows.
    Many(Run),
}

/// One position of the text: a byte, or with wildcards `?` and `*`.
#[derive(Debug, Clone, Copy)]
enum Input {
    Byte(u8),
    One,
    Many,
}

/// Whether some text fits both `pieces` and `text`. Literal pieces compare
/// byte for byte, or ASCII letters in either case when `fold_case`; `*` and
/// `?` in `text` are wildcards when `wildcards`, else literal.
pub(super) fn matches(pieces: &[Piece<'_>], text: &str, fold_case: bool, wildcards: bool) -> bool {
    let items: Vec<Item> = pieces
        .iter()
        .flat_map(|piece| {
            let (lit, hole) = match *piece {
                Piece::Lit(lit) => (lit.as_bytes(), None),
                Piece::Hole(run) if run.empty => (&[][..], Some((None, run))),
                Piece::Hole(run) => (&[][..], Some((Some(Item::One(run)), run))),
            };
            lit.iter().map(|&b| Item::Byte(b)).chain(
                hole.into_iter()
                    .flat_map(|(one, run)| one.into_iter().chain([Item::Many(run)])),
            )
        })
        .collect();
    let input: Vec<Input> = text
        .bytes()
        .map(|b| match b {
            b'*' if wildcards => Input::Many,
            b'?' if wildcards => Input::One,
            _ => Input::Byte(b),
        })
        .collect();
    let fits = |item: Item, input: Input| match (item, input) {
        (Item::Byte(a), Input::Byte(b)) => a == b || (fold_case && a.eq_ignore_ascii_case(&b)),
        (Item::One(run) | Item::Many(run), Input::Byte(b)) => run.allows(b),
        (_, Input::One | Input::Many) => true,
    };
    // row[j]: the template before the current item fits `input[..j]`.
    let mut row = vec![false; input.len() + 1];
    if let Some(first) = row.first_mut() {
        *first = true;
    }
    let mut next = vec![false; input.len() + 1];
    for item in items.iter().copied().map(Some).chain([None]) {
        next.iter_mut().for_each(|x| *x = false);
        // Sweep left to right: moves within the row only go right.
        for j in 0..=input.len() {
            if !row.get(j).copied().unwrap_or(false) {
                continue;
            }
            let here = input.get(j).copied();
            let Some(item) = item else {
                // Past the template: only trailing `*`s of the text remain.
                if let (Some(Input::Many), Some(x)) = (here, row.get_mut(j + 1)) {
                    *x = true;
                }
                continue;
            };
            let mut set_row = false;
            if let Item::Many(_) = item {
                // The template's run stops here.
                if let Some(x) = next.get_mut(j) {
                    *x = true;
                }
            }
            if let Some(here) = here {
                if let Input::Many = here {
                    set_row = true; // the text's `*` stops here
                }
                if fits(item, here) {
                    match (item, here) {
                        (Item::Many(_), Input::Many) => {}
                        (Item::Many(_), _) => set_row = true,
                        (_, Input::Many) => {
                            if let Some(x) = next.get_mut(j) {
                                *x = true;
                            }
                        }
                        _ => {
                            if let Some(x) = next.get_mut(j + 1) {
                                *x = true;
                            }
                        }
                    }
                }
            }
            if let (true, Some(x)) = (set_row, row.get_mut(j + 1)) {
                *x = true;
            }
        }
        if item.is_none() {
            return row.last().copied().unwrap_or(false);
        }
        std::mem::swap(&mut row, &mut next);
        if !row.contains(&true) {
            return false;
        }
    }
    false
}

/// Whether `arn` (which may hold IAM wildcards, as a policy's `Resource`
/// does) fits the ARN format `format`.
///
/// Both are split at their first five colons and the partition, service,
/// region and account are matched segment by segment, a wildcard of `arn`
/// staying inside its segment (R1, R4); `"*"` alone fits every format (R2).
/// In the resource part a `*` of `arn` may cross `/` and `:` (R3). What a
/// placeholder of the format may match was chosen from the formats:
/// - in a head segment, any non-empty run (the segment holds no `:`);
/// - in the resource part, any non-empty run without `:` that may cross
///   `/`: role paths (`role/${RoleNameWithPath}`), log groups
///   (`log-group:${LogGroupName}`, `/aws/lambda/f`) and API paths hold
///   slashes;
/// - the last placeholder of a format may cross `:` as well: S3 keys and
///   identity pool ids hold colons (`us-east-1:…`), and AWS authorizes
///   `lambda:InvokeFunction`, listed with `function:${FunctionName}` only,
///   on a qualified `function:f:alias` too, as it does log group actions on
///   `log-group:name:*`. It over-matches (`table/${TableName}` fits an index
///   ARN) rather than miss;
/// - but a placeholder that is the whole resource part (`${BucketName}`,
///   `${TopicName}`, `${QueueName}`) crosses neither: those names hold no
///   `/` or `:`, so `arn:aws:s3:::bucket/key` is not a bucket;
/// - a literal `*` in a format (a few services write one) matches any run.
///
/// Literal text compares byte for byte, as IAM compares ARNs.
pub(super) fn arn_matches(format: &str, arn: &str) -> bool {
    if arn == "*" {
        return true;
    }
    let (Some(format), Some(arn)) = (split_arn(format), split_arn(arn)) else {
        return false;
    };
    let head = Run {
        empty: false,
        slash: true,
        colon: false,
    };
    let heads_match = format
        .iter()
        .zip(&arn)
        .take(5)
        .all(|(f, a)| matches(&arn_pieces(f, |_| head), a, false, true));
    let (Some(resource), Some(text)) = (format.last(), arn.last()) else {
        return false;
    };
    heads_match
        && matches(
            &arn_pieces(resource, |place| resource_run(resource, place)),
            text,
            false,
            true,
        )
}

/// `arn:partition:service:region:account:resource` split at the first five
/// colons (the resource part may hold more).
fn split_arn(text: &str) -> Option<[&str; 6]> {
    let mut parts = text.splitn(6, ':');
    let mut out = [""; 6];
    for slot in &mut out {
        *slot = parts.next()?;
    }
    Some(out)
}

/// The pieces of one part of an ARN format; `run` says what the placeholder
/// at a byte range may match.
fn arn_pieces(format: &str, run: impl Fn(std::ops::Range<usize>) -> Run) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut rest = format;
    let mut offset = 0;
    while !rest.is_empty() {
        let star = rest.find('*');
        let open = rest.find("${");
        let (at, len, literal_star) = match (star, open) {
            (Some(s), o) if o.is_none_or(|o| s < o) => (s, 1, true),
            (_, Some(o)) => match rest.get(o..).and_then(|r| r.find('}')) {
                Some(close) => (o, close + 1, false),
                None => break,
            },
            _ => break,
        };
        if let Some(before) = rest.get(..at).filter(|b| !b.is_empty()) {
            pieces.push(Piece::Lit(before));
        }
        let place = offset + at..offset + at + len;
        pieces.push(Piece::Hole(if literal_star {
            Run {
                empty: true,
                ..Run::ANY
            }
        } else {
            run(place.clone())
        }));
        rest = rest.get(at + len..).unwrap_or("");
        offset = place.end;
    }
    if !rest.is_empty() {
        pieces.push(Piece::Lit(rest));
    }
    pieces
}

/// What the placeholder at `place` of the resource part `resource` may match.
fn resource_run(resource: &str, place: std::ops::Range<usize>) -> Run {
    let whole = place.start == 0 && place.end == resource.len();
    Run {
        empty: false,
        slash: !whole,
        colon: !whole && place.end == resource.len(),
    }
}

/// The pieces of a condition key name, or `None` when it has no
/// placeholder. Placeholders are written `${TagKey}`, `<key>`, or, in AWS's
/// global keys list, as a final `/tag-key`; a name that ends in `/`
/// (`glacier:ResourceTag/`) stands for one too. Each matches any non-empty
/// run: tag keys may contain `/` and `:`.
pub(super) fn key_pieces(name: &str) -> Option<Vec<Piece<'_>>> {
    let mut pieces = Vec::new();
    let mut rest = name;
    loop {
        let dollar = rest.find("${").map(|i| (i, '}'));
        let angle = rest.find('<').map(|i| (i, '>'));
        let next = match (dollar, angle) {
            (Some(d), Some(a)) => Some(if d.0 < a.0 { d } else { a }),
            (d, a) => d.or(a),
        };
        let Some((at, close)) = next else { break };
        let Some(len) = rest.get(at..).and_then(|r| r.find(close)) else {
            break;
        };
        if let Some(lit) = rest.get(..at).filter(|l| !l.is_empty()) {
            pieces.push(Piece::Lit(lit));
        }
        pieces.push(Piece::Hole(Run::ANY));
        rest = rest.get(at + len + 1..).unwrap_or("");
    }
    let tail = ["/tag-key", "/"].into_iter().find_map(|t| {
        rest.len()
            .checked_sub(t.len())
            .filter(|_| rest.ends_with(t))
            .map(|cut| (cut, t))
    });
    match tail {
        Some((cut, _)) => {
            let lit = rest.get(..=cut).unwrap_or(rest);
            pieces.push(Piece::Lit(lit));
            pieces.push(Piece::Hole(Run::ANY));
        }
        None if !rest.is_empty() => pieces.push(Piece::Lit(rest)),
        None => {}
    }
    pieces
        .iter()
        .any(|p| matches!(p, Piece::Hole(_)))
        .then_some(pieces)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arn(format: &str, text: &str) -> bool {
        arn_matches(format, text)
    }

    #[test]
    fn s3_formats() {
        let object = "arn:${Partition}:s3:::${BucketName}/${ObjectName}";
        let bucket = "arn:${Partition}:s3:::${BucketName}";
        assert!(arn(object, "arn:aws:s3:::b/private/us-east-1:1111/x.txt"));
        assert!(arn(object, "arn:aws:s3:::b/*"));
        assert!(!arn(object, "arn:aws:s3:::b"));
        assert!(!arn(object, "arn:aws:s3:::b/"));
        assert!(arn(bucket, "arn:aws:s3:::b"));
        assert!(!arn(bucket, "arn:aws:s3:::b/k"));
        assert!(!arn(bucket, "arn:aws:s3:us-east-1::b"));
        assert!(!arn(bucket, "arn:aws:s3:::"));
    }

    #[test]
    fn colons_and_slashes() {
        let function = "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}";
        let alias =
            "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}:${Alias}";
        let f = "arn:aws:lambda:us-east-1:123456789012:function:f";
        assert!(arn(function, f));
        assert!(arn(function, &format!("{f}:live")));
        assert!(arn(alias, &format!("{f}:live")));
        assert!(!arn(alias, f));
        let group = "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}";
        assert!(arn(
            group,
            "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/f"
        ));
        assert!(arn(
            group,
            "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/f:*"
        ));
        let stream = "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}";
        // A non-final placeholder takes no `:`.
        assert!(!arn(stream, "arn:aws:logs:r:1:log-group:a:b:log-stream:c"));
        assert!(arn(
            stream,
            "arn:aws:logs:r:1:log-group:/a/b:log-stream:c:d"
        ));
        let pool =
            "arn:${Partition}:cognito-identity:${Region}:${Account}:identitypool/${IdentityPoolId}";
        assert!(arn(
            pool,
            "arn:aws:cognito-identity:us-east-1:123456789012:identitypool/us-east-1:abcd"
        ));
        // The account field is one field: a placeholder there takes no `:`,
        // nor does a wildcard of the ARN (R4).
        assert!(!arn(function, "arn:aws:lambda:us-east-1:1:2:function:f"));
        assert!(!arn(function, "arn:aws:lambda:*:function:f"));
        assert!(arn(function, "arn:aws:lambda:*:*:function:f"));
        assert!(arn(function, "*"));
        assert!(!arn(function, "function:f"));
    }

    #[test]
    fn literal_star_in_a_format() {
        let api = "arn:${Partition}:amplifybackend:${Region}:${Account}:/backend/${AppId}/api/*";
        assert!(arn(
            api,
            "arn:aws:amplifybackend:us-east-1:1:/backend/app/api/"
        ));
        assert!(arn(
            api,
            "arn:aws:amplifybackend:us-east-1:1:/backend/app/api/x/y"
        ));
        assert!(!arn(
            api,
            "arn:aws:amplifybackend:us-east-1:1:/backend/app/auth/x"
        ));
    }

    #[test]
    fn key_placeholders() {
        let key = |name: &str, text: &str| {
            key_pieces(name).is_some_and(|p| matches(&p, text, true, false))
        };
        assert!(key("aws:RequestTag/${TagKey}", "aws:requesttag/team"));
        assert!(key("aws:RequestTag/${TagKey}", "aws:RequestTag/a/b:c"));
        assert!(!key("aws:RequestTag/${TagKey}", "aws:RequestTag/"));
        assert!(key("s3:ExistingObjectTag/<key>", "s3:ExistingObjectTag/x"));
        assert!(key("aws:PrincipalTag/tag-key", "aws:PrincipalTag/team"));
        assert!(key("glacier:ResourceTag/", "glacier:ResourceTag/x"));
        assert!(key(
            "kms:EncryptionContext:${EncryptionContextKey}",
            "kms:EncryptionContext:dept"
        ));
        assert!(key(
            "agent.${Domain}.buildkite.dev:build_branch",
            "agent.x.buildkite.dev:build_branch"
        ));
        assert!(!key(
            "agent.${Domain}.buildkite.dev:build_branch",
            "agent.x.buildkite.dev:cluster_id"
        ));
        assert_eq!(key_pieces("aws:SourceIp"), None);
        assert_eq!(key_pieces("dynamodb:LeadingKeys"), None);
    }
}
