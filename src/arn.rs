//! ARNs and ARN patterns, matched segment by segment (R1-R6, O7).
//!
//! An ARN is `arn:partition:service:region:account:resource`; the resource is
//! everything after the fifth colon and may hold colons of its own (R1). Both
//! the request ARN and the policy pattern are split at the first five colons
//! only, and policy variables are substituted inside the resource part after
//! the split, so an identity id such as `us-east-1:1111` cannot shift the
//! segments (V6).

use crate::pattern::{literal_eq, Case, Pattern, Token};

/// A borrowed ARN split at its first five colons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Arn<'a> {
    /// partition, service, region, account.
    pub head: [&'a str; 4],
    /// The four head segments with the colons between them, as written.
    pub head_text: &'a str,
    /// Everything after the fifth colon.
    pub resource: &'a str,
}

impl<'a> Arn<'a> {
    /// Splits `text`, or returns `None` if it is not `arn:` followed by five
    /// colon-separated parts.
    pub fn parse(text: &'a str) -> Option<Self> {
        let rest = text.strip_prefix("arn:")?;
        // A byte scan: the head segments are short, and `splitn`'s searcher
        // cost more than the rest of building a request's view of them.
        let bytes = rest.as_bytes();
        let mut head = [""; 4];
        let mut start = 0;
        for segment in &mut head {
            let colon = start + bytes.get(start..)?.iter().position(|&b| b == b':')?;
            // Colons are ASCII, so these are character boundaries.
            *segment = rest.get(start..colon)?;
            start = colon + 1;
        }
        Some(Arn {
            head,
            head_text: rest.get(..start - 1)?,
            resource: rest.get(start..)?,
        })
    }

    /// Where the four head segments end in `text`, so a request can split its
    /// resource once when it is built and rebuild the view for free.
    pub fn offsets(&self) -> ArnOffsets {
        let mut ends = [0; 4];
        let mut end = "arn:".len();
        for (slot, part) in ends.iter_mut().zip(self.head) {
            end += part.len();
            *slot = end;
            end += 1;
        }
        ArnOffsets {
            ends,
            head_lowercase: !self.head_text.bytes().any(|b| b.is_ascii_uppercase()),
        }
    }

    /// The account segment.
    pub fn account(&self) -> &'a str {
        self.head[3]
    }

    /// The text from segment `index` (0 = partition … 4 = resource) to the end.
    fn rest_from(&self, full: &'a str, index: usize) -> &'a str {
        // Skip `arn:` and `index` further colons.
        let mut offset = 4;
        for part in self.head.iter().take(index) {
            offset += part.len() + 1;
        }
        full.get(offset..).unwrap_or_default()
    }
}

/// An [`Arn`] split stored as byte offsets, so it can live beside the text it
/// splits (in a `Request`) without borrowing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ArnOffsets {
    /// The end of partition, service, region and account; each is followed
    /// by a colon.
    ends: [usize; 4],
    /// No ASCII capital in the head, so comparing it ignoring case is the
    /// same as comparing it exactly with a lowercase pattern.
    head_lowercase: bool,
}

impl ArnOffsets {
    /// The view of `text`, which must be the text these offsets came from.
    pub fn arn<'a>(&self, text: &'a str) -> Option<Arn<'a>> {
        let [p, s, r, a] = self.ends;
        // Split in turn, so each cut checks one character boundary.
        let rest = text.get("arn:".len()..)?;
        let (head_text, tail) = rest.split_at_checked(a.checked_sub("arn:".len())?)?;
        let resource = tail.get(1..)?;
        let (partition, tail) = head_text.split_at_checked(p.checked_sub("arn:".len())?)?;
        let (service, tail) = tail.get(1..)?.split_at_checked(s.checked_sub(p + 1)?)?;
        let (region, tail) = tail.get(1..)?.split_at_checked(r.checked_sub(s + 1)?)?;
        let account = tail.get(1..)?;
        Some(Arn {
            head: [partition, service, region, account],
            head_text,
            resource,
        })
    }
}

/// The text an [`ArnPattern`] is matched against, with the offsets of its
/// first five colons. The common patterns (a literal head, or literal
/// segments then `*`) match the text as it is; the others split it.
pub(crate) struct ArnText<'a> {
    text: &'a str,
    offsets: Option<ArnOffsets>,
}

impl<'a> ArnText<'a> {
    /// `text`, whose ARN splits were found when it was stored (`None`: not an ARN).
    pub fn with_offsets(text: &'a str, offsets: Option<ArnOffsets>) -> Self {
        ArnText { text, offsets }
    }

    /// `text`, split now.
    pub fn parse(text: &'a str) -> Self {
        ArnText {
            text,
            offsets: Arn::parse(text).map(|a| a.offsets()),
        }
    }

    /// The whole text.
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// The segments, when the text is an ARN.
    pub fn arn(&self) -> Option<Arn<'a>> {
        self.offsets.and_then(|o| o.arn(self.text))
    }

    /// Whether the text is an ARN.
    pub fn is_arn(&self) -> bool {
        self.offsets.is_some()
    }

    /// Whether the text is an ARN whose head has no ASCII capital.
    fn head_lowercase(&self) -> bool {
        self.offsets.is_some_and(|o| o.head_lowercase)
    }

    /// Whether a whole-text pattern (`arn:`, a literal lowercase head, the
    /// resource part) matches this text as it is under `case`: it must be
    /// an ARN, and a head compared ignoring case must have no capital (rule
    /// R6 asks no more of it then).
    #[inline(always)]
    pub fn matches_as_is(&self, case: ArnMatchCase) -> bool {
        case.resource == Case::Sensitive
            && self.is_arn()
            && (case.head == Case::Sensitive || self.head_lowercase())
    }

    /// The resource part (after the fifth colon), without splitting the head.
    pub fn resource(&self) -> Option<&'a str> {
        let [.., account_end] = self.offsets?.ends;
        self.text.get(account_end + 1..)
    }
}

/// Options that change how ARN patterns match (R4 ⚠, R6 ⚠).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ArnMatchCase {
    /// Case for partition, service, region and account.
    pub head: Case,
    /// Case for the resource part.
    pub resource: Case,
    /// Let a `*` that ends a middle segment run across colons (the live docs'
    /// literal wording, R4). Off by default.
    pub star_crosses_colons: bool,
}

/// A compiled ARN pattern from a `Resource` entry or an `Arn*` condition value.
#[derive(Debug, Clone, PartialEq, Eq)]
// A byte tag rather than a niche in a field: the matcher reads the kind
// of every pattern it meets, and a niche costs several instructions to decode.
#[repr(u8)]
pub(crate) enum ArnPattern {
    /// `*`: every resource, ARN or not (R2).
    Any,
    /// A full pattern: one matcher per head segment plus the resource part.
    Full {
        head: Box<[Pattern; 4]>,
        /// When every head segment is literal: them joined with `:`, compared
        /// with the request's head in one go.
        head_literal: Option<Box<str>>,
        /// When the head is literal and has no ASCII capital: the whole
        /// pattern (`arn:`, head, `:`, resource) as one pattern over the
        /// request text, which a lowercase request head lets match without
        /// comparing the head apart (rule R6 asks no more of it then).
        whole: Option<Pattern>,
        /// When the head is some literal segments (without colons) followed
        /// only by `*` segments, such as `aws:execute-api:us-east-1:*`: the
        /// literal ones joined and followed by `:`, which the request's head
        /// must start with. Unused when a star may cross colons (R4).
        head_prefix: Option<Box<str>>,
        resource: Pattern,
        /// Set by [`ArnPattern::for_crossing_stars`]: the first head segment
        /// that ends in `*`, and the glob from it to the end.
        crossing: Option<Box<(usize, Pattern)>>,
    },
    /// Fewer than six segments whose last one ends in `*`: that star absorbs
    /// the rest of the request ARN (R4). `segments[last]` is matched against
    /// the remainder of the ARN from that position.
    Short { segments: Box<[Pattern]> },
    /// Something that is not an ARN pattern; it matches only identical text.
    Literal(Pattern),
    /// An `Arn*` condition value with fewer than six parts: ARN conditions
    /// compare all six components (O7), so it matches no ARN.
    Never,
}

impl ArnPattern {
    /// A full six-part pattern.
    pub fn full(head: [Pattern; 4], resource: Pattern) -> Self {
        let literal: Option<Vec<&str>> = head.iter().map(Pattern::as_literal).collect();
        let head_literal: Option<Box<str>> = literal.map(|parts| parts.join(":").into());
        let whole = head_literal
            .as_deref()
            .filter(|head| !head.bytes().any(|b| b.is_ascii_uppercase()))
            .map(|head| {
                let mut tokens = Vec::with_capacity(resource.tokens().len() + 1);
                tokens.push(Token::Lit(format!("arn:{head}:").into()));
                tokens.extend(resource.tokens().iter().cloned());
                Pattern::from_tokens(tokens)
            });
        ArnPattern::Full {
            head_literal,
            whole,
            head_prefix: head_prefix(&head),
            head: Box::new(head),
            resource,
            crossing: None,
        }
    }

    /// Matches `subject` (the full request ARN, or a condition value).
    /// `vars` holds resolved variable values for the resource part.
    // Forced inline into the statement check; the rare shapes below stay
    // out of line.
    #[inline(always)]
    pub fn is_match(&self, subject: &ArnText<'_>, vars: &[&str], case: ArnMatchCase) -> bool {
        match self {
            ArnPattern::Any => true,
            ArnPattern::Full {
                whole: Some(whole), ..
            } if subject.matches_as_is(case) => {
                whole.is_match(subject.text(), vars, Case::Sensitive)
            }
            ArnPattern::Full {
                head_prefix: Some(prefix),
                resource,
                ..
            } if !case.star_crosses_colons => {
                // Neither side's head segments hold a colon, and fewer than
                // four are literal, so the literal segments match exactly
                // when the text after `arn:` starts with them; the `*`
                // segments match anything.
                let start = "arn:".len();
                subject.is_arn()
                    && subject
                        .text()
                        .get(start..start + prefix.len())
                        .is_some_and(|head| literal_eq(prefix, head, case.head))
                    && subject
                        .resource()
                        .is_some_and(|part| resource.is_match(part, vars, case.resource))
            }
            _ => self.is_match_apart(subject, vars, case),
        }
    }

    /// [`ArnPattern::is_match`] for the less usual shapes: a literal head
    /// compared apart (capitals, or ignoring case), a head split at its
    /// colons, short patterns. Out of line, so the usual ones above need no
    /// stack frame for these.
    #[inline(never)]
    fn is_match_apart(&self, subject: &ArnText<'_>, vars: &[&str], case: ArnMatchCase) -> bool {
        let text = subject.text();
        match self {
            ArnPattern::Any => true,
            ArnPattern::Never => false,
            ArnPattern::Literal(p) => p.is_match(text, vars, case.resource),
            ArnPattern::Full {
                head,
                head_literal,
                resource,
                ..
            } => {
                if !subject.is_arn() {
                    return false;
                }
                // The split is found from the literals, and no wildcard in the
                // head means the crossing star of rule R4 cannot apply.
                if let Some(literal) = head_literal {
                    // The literal holds exactly the head's three colons, so
                    // when the text after `arn:` starts with it and a colon,
                    // the resource part is what follows.
                    let head_end = "arn:".len() + literal.len();
                    return text
                        .get("arn:".len()..head_end)
                        .is_some_and(|head| literal_eq(literal, head, case.head))
                        && text.as_bytes().get(head_end) == Some(&b':')
                        && text
                            .get(head_end + 1..)
                            .is_some_and(|part| resource.is_match(part, vars, case.resource));
                }
                let Some(arn) = subject.arn() else {
                    return false;
                };
                for (index, (pattern, part)) in head.iter().zip(arn.head).enumerate() {
                    if case.star_crosses_colons && pattern.tokens().last() == Some(&Token::Star) {
                        return self.crossing_match(index, text, &arn, vars, case);
                    }
                    if !pattern.is_match(part, vars, case.head) {
                        return false;
                    }
                }
                resource.is_match(arn.resource, vars, case.resource)
            }
            ArnPattern::Short { segments } => {
                let Some(arn) = subject.arn() else {
                    return false;
                };
                let last = segments.len().saturating_sub(1);
                for (index, pattern) in segments.iter().enumerate() {
                    if index == last {
                        return pattern.is_match(arn.rest_from(text, index), vars, case.head);
                    }
                    let Some(part) = arn.head.get(index) else {
                        return false;
                    };
                    if !pattern.is_match(part, vars, case.head) {
                        return false;
                    }
                }
                false
            }
        }
    }

    /// The crossing mode of rule R4: from head segment `index`, which ends in `*`, the
    /// rest of the pattern is one glob over the rest of the ARN, so that
    /// star may run across colons. The glob is built when the set is
    /// compiled in this mode ([`ArnPattern::for_crossing_stars`]); built
    /// here only for a pattern that was not.
    fn crossing_match(
        &self,
        index: usize,
        text: &str,
        arn: &Arn<'_>,
        vars: &[&str],
        case: ArnMatchCase,
    ) -> bool {
        let ArnPattern::Full {
            head,
            resource,
            crossing,
            ..
        } = self
        else {
            return false;
        };
        let built;
        let glob = match crossing.as_deref() {
            Some((at, glob)) if *at == index => glob,
            _ => {
                built = crossing_glob(head, resource, index);
                &built
            }
        };
        glob.is_match(arn.rest_from(text, index), vars, case.head)
    }

    /// Prepares a resource pattern for the crossing mode of rule R4
    /// (`Options::arn_star_crosses_colons`): the glob [`Self::crossing_match`]
    /// needs is built once, so matching allocates nothing.
    pub fn for_crossing_stars(mut self) -> Self {
        if let ArnPattern::Full {
            head,
            resource,
            crossing,
            ..
        } = &mut self
        {
            // Matching stops at the first segment that ends in `*`.
            let first = head
                .iter()
                .position(|p| p.tokens().last() == Some(&Token::Star));
            *crossing = first.map(|at| Box::new((at, crossing_glob(head, resource, at))));
        }
        self
    }
}

/// The head segments from `index` on and the resource part, joined by
/// colons into one glob.
fn crossing_glob(head: &[Pattern; 4], resource: &Pattern, index: usize) -> Pattern {
    let mut tokens = Vec::new();
    for (i, pattern) in head.iter().enumerate().skip(index) {
        if i > index {
            tokens.push(Token::Lit(":".into()));
        }
        tokens.extend(pattern.tokens().iter().cloned());
    }
    tokens.push(Token::Lit(":".into()));
    tokens.extend(resource.tokens().iter().cloned());
    Pattern::from_tokens(tokens)
}

/// [`ArnPattern::Full`]'s `head_prefix`: `Some` for one to three literal
/// segments without colons followed only by `*` segments.
fn head_prefix(head: &[Pattern; 4]) -> Option<Box<str>> {
    let literals = head.iter().take_while(|p| p.as_literal().is_some()).count();
    let rest_any = head
        .iter()
        .skip(literals)
        .all(|p| p.tokens() == [Token::Star]);
    if literals == 0 || literals == head.len() || !rest_any {
        return None;
    }
    let mut prefix = String::new();
    for part in head.iter().take(literals).filter_map(Pattern::as_literal) {
        if part.contains(':') {
            return None;
        }
        prefix.push_str(part);
        prefix.push(':');
    }
    Some(prefix.into())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// R1: `parse` splits at the first five colons, as `splitn` would.
        #[test]
        fn parse_splits_at_the_first_five_colons(text in "(arn:)?[a:é/*]{0,14}") {
            let by_splitn = text.strip_prefix("arn:").and_then(|rest| {
                let parts: Vec<&str> = rest.splitn(5, ':').collect();
                let [a, b, c, d, resource] = parts.as_slice() else {
                    return None;
                };
                let head_text = rest.get(..rest.len() - resource.len() - 1)?;
                Some(([*a, *b, *c, *d], head_text, *resource))
            });
            let parsed = Arn::parse(&text).map(|arn| (arn.head, arn.head_text, arn.resource));
            prop_assert_eq!(parsed, by_splitn);
        }
    }

    /// The `head_prefix` shortcut agrees with matching segment by segment.
    #[test]
    fn head_prefix_agrees_with_segments() {
        let heads = [
            ["aws", "execute-api", "us-east-1", "*"],
            ["aws", "s3", "*", "*"],
            ["aws", "*", "*", "*"],
            ["aws", "", "*", "*"],
            ["AWS", "SQS", "*", "*"],
        ];
        let texts = [
            "arn:aws:execute-api:us-east-1:123:api/prod/GET/x",
            "arn:aws:execute-api:us-east-12:123:api",
            "arn:aws:execute-api:us-east-1::api",
            "arn:aws:s3:::b/k",
            "arn:aws:s3x:::b/k",
            "arn:aws::r:a:x",
            "arn:aws:sqs:us-east-1:1:q",
            "arn:aws-cn:s3:::b",
            "arn:aw:s3:::b",
        ];
        for head in heads {
            let pattern = ArnPattern::full(head.map(Pattern::wildcard), Pattern::wildcard("*"));
            let ArnPattern::Full {
                head: h, resource, ..
            } = &pattern
            else {
                unreachable!()
            };
            let general = ArnPattern::Full {
                head: h.clone(),
                head_literal: None,
                whole: None,
                head_prefix: None,
                resource: resource.clone(),
                crossing: None,
            };
            assert!(
                matches!(
                    &pattern,
                    ArnPattern::Full {
                        head_prefix: Some(_),
                        ..
                    }
                ),
                "{head:?}"
            );
            for text in texts {
                let arn = ArnText::parse(text);
                assert!(arn.is_arn(), "{text}");
                for head_case in [Case::Sensitive, Case::AsciiInsensitive] {
                    let case = ArnMatchCase {
                        head: head_case,
                        resource: Case::Sensitive,
                        star_crosses_colons: false,
                    };
                    assert_eq!(
                        pattern.is_match(&arn, &[], case),
                        general.is_match(&arn, &[], case),
                        "{head:?} {text} {head_case:?}"
                    );
                }
            }
        }
        let no = |head: [&str; 4]| {
            !matches!(
                ArnPattern::full(head.map(Pattern::wildcard), Pattern::wildcard("*")),
                ArnPattern::Full {
                    head_prefix: Some(_),
                    ..
                }
            )
        };
        assert!(no(["aws", "s3", "", ""]), "all literal");
        assert!(no(["*", "s3", "*", "*"]), "leading star");
        assert!(no(["aws", "s3", "us-*", "*"]), "partial star");
        assert!(no(["aws", "*", "us-east-1", "*"]), "literal after a star");
    }

    /// A literal head compared without splitting the text, or as one
    /// pattern with the resource part, gives the segment-wise answer (R1;
    /// R6 with the head compared either way; V6: an identity id with a colon
    /// cannot shift the segments).
    #[test]
    fn literal_head_agrees_with_segments() {
        let sub = "us-east-1:1111";
        let resources = [
            vec![
                Token::Lit("b/private/".into()),
                Token::Var(0),
                Token::Lit("/".into()),
                Token::Star,
            ],
            vec![
                Token::Lit("b/".into()),
                Token::Star,
                Token::Lit(":x".into()),
            ],
            vec![Token::Star],
            vec![Token::Lit("table/t".into())],
        ];
        let texts = [
            "arn:aws:s3:::b/private/us-east-1:1111/a.txt",
            "arn:aws:s3:::b/private/us-east-1:2222/a.txt",
            "arn:aws:s3:::b/private/us-east-1:1111",
            "arn:aws:s3:::b/k:x",
            "arn:aws:s3::1:b/k:x",
            "arn:aws:s3:us-east-1::b/private/us-east-1:1111/a",
            "arn:aws:s3:::table/t",
            "arn:aws:s3:::",
            "arn:aws:s3::",
            "arn:AWS:s3:::b/k:x",
            "b/private/us-east-1:1111/a.txt",
        ];
        let heads = [["aws", "s3", "", ""], ["AWS", "s3", "", ""]];
        for (head, resource) in heads
            .iter()
            .flat_map(|h| resources.iter().map(move |r| (h, r)))
        {
            let pattern = ArnPattern::full(
                head.map(Pattern::wildcard),
                Pattern::from_tokens(resource.clone()),
            );
            let ArnPattern::Full {
                head,
                head_literal,
                resource,
                ..
            } = &pattern
            else {
                unreachable!()
            };
            assert!(head_literal.is_some());
            let segments = ArnPattern::Full {
                head: head.clone(),
                head_literal: None,
                whole: None,
                head_prefix: None,
                resource: resource.clone(),
                crossing: None,
            };
            for text in texts {
                let subject = ArnText::parse(text);
                for head_case in [Case::Sensitive, Case::AsciiInsensitive] {
                    let case = ArnMatchCase {
                        head: head_case,
                        resource: Case::Sensitive,
                        star_crosses_colons: false,
                    };
                    assert_eq!(
                        pattern.is_match(&subject, &[sub], case),
                        segments.is_match(&subject, &[sub], case),
                        "{text} {head_case:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn r1_resource_part_keeps_its_colons() {
        let arn =
            Arn::parse("arn:aws:logs:us-east-1:123456789012:log-group:g:log-stream:s").unwrap();
        assert_eq!(arn.head, ["aws", "logs", "us-east-1", "123456789012"]);
        assert_eq!(arn.resource, "log-group:g:log-stream:s");
        assert_eq!(arn.account(), "123456789012");
        assert!(Arn::parse("arn:aws:s3::bucket").is_none());
        assert!(Arn::parse("*").is_none());
        let s3 = Arn::parse("arn:aws:s3:::bucket/key").unwrap();
        assert_eq!(s3.head, ["aws", "s3", "", ""]);
    }

    #[test]
    fn offsets_rebuild_the_same_split() {
        for text in [
            "arn:aws:logs:us-east-1:123456789012:log-group:g:log-stream:s",
            "arn:aws:s3:::bucket/key",
            "arn:::::",
            "arn:aws:s3:::é/ü",
        ] {
            let arn = Arn::parse(text).unwrap();
            assert_eq!(arn.offsets().arn(text), Some(arn), "{text}");
        }
    }

    #[test]
    fn rest_from_skips_whole_segments() {
        let text = "arn:aws:sqs:us-east-1:123:queue";
        let arn = Arn::parse(text).unwrap();
        assert_eq!(arn.rest_from(text, 2), "us-east-1:123:queue");
        assert_eq!(arn.rest_from(text, 4), "queue");
    }
}
