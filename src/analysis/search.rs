//! The proof: is there a request the new policy allows and the old one does
//! not? See [`crate::analysis`] for the method and why a PASS is sound.

use std::collections::{BTreeMap, HashMap};

use super::automaton::{regions, render, Glob, Region, Sym, Tok};
use super::values;
use crate::arn::ArnPattern;
use crate::compile::{CompiledPolicy, CompiledStatement};
use crate::condition::{Condition, Outcome};
use crate::options::Options;
use crate::pattern::Token;
use crate::policy::Effect;
use crate::principal::PrincipalEntry;
use crate::request::ContextValue;

/// Most product states walked for one set of patterns.
const PATTERN_BUDGET: usize = 50_000;
/// Most nodes of one search over resource and key candidates.
const SEARCH_BUDGET: usize = 2_000_000;
/// Most candidate requests kept from one search, for the engine to confirm.
const POINTS: usize = 12;

/// Which policy a statement belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    New,
    Old,
}

/// A statement the analysis had to approximate, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Approximation {
    pub side: Side,
    pub index: usize,
    pub why: String,
}

/// A candidate request: the parts a witness is built from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Point {
    pub resource: Vec<Sym>,
    /// Context values chosen, by key as written.
    pub context: BTreeMap<String, Option<ContextValue>>,
    /// Variable symbols: (key as written, default).
    pub vars: Vec<(String, Option<String>)>,
    /// Indexes (in the new policy) of the Allow statements that may apply.
    pub new_allows: Vec<usize>,
}

/// What one search found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome2 {
    /// No request of this action region is allowed by new and not by old.
    Proved,
    /// Candidate requests (to confirm with the engine).
    Points(Vec<Point>),
    /// The search gave up (too many states).
    TooLarge,
}

/// Whether a statement may make a request allowed by new and not by old
/// (positive: new Allows, old Denies) or stands in the way (negative).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    NewAllow,
    NewDeny,
    OldAllow,
    OldDeny,
}

impl Role {
    fn positive(self) -> bool {
        matches!(self, Role::NewAllow | Role::OldDeny)
    }
}

/// The two halves of the question (why two: see the module docs of
/// `analysis`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Branch {
    /// Allowed by new, not allowed by any old Allow: variables are opaque
    /// symbols, the same on both sides.
    NotGranted,
    /// Allowed by new, denied by an old Deny: variables widen to `*`.
    Denied,
}

/// How a variable is read in a resource pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum VarMode {
    Symbol,
    Star,
    /// The entry is dropped (a negative statement in the `Denied` half).
    Drop,
}

struct Stmt<'p> {
    role: Role,
    st: &'p CompiledStatement,
}

/// The statements of one action region, with their analysis.
pub(crate) struct Search<'p> {
    pub options: &'p Options,
    pub approximations: Vec<Approximation>,
    vars: Vec<(String, String, Option<String>)>,
}

enum ResPred {
    Const(bool),
    Globs { idx: Vec<usize>, negated: bool },
}

impl<'p> Search<'p> {
    pub fn new(options: &'p Options) -> Self {
        Search {
            options,
            approximations: Vec::new(),
            vars: Vec::new(),
        }
    }

    fn approx(&mut self, role: Role, index: usize, why: &str) {
        let side = match role {
            Role::NewAllow | Role::NewDeny => Side::New,
            Role::OldAllow | Role::OldDeny => Side::Old,
        };
        let a = Approximation {
            side,
            index,
            why: why.to_owned(),
        };
        if !self.approximations.contains(&a) {
            self.approximations.push(a);
        }
    }

    fn var_symbol(&mut self, key: &str, key_lower: &str, default: Option<&str>) -> u32 {
        let found = self
            .vars
            .iter()
            .position(|(_, k, d)| k == key_lower && d.as_deref() == default);
        let index = found.unwrap_or_else(|| {
            self.vars.push((
                key.to_owned(),
                key_lower.to_owned(),
                default.map(str::to_owned),
            ));
            self.vars.len() - 1
        });
        u32::try_from(index).unwrap_or(u32::MAX)
    }

    /// Searches one action region: `new` and `old` are the statements whose
    /// action element matches it.
    pub fn run(
        &mut self,
        branch: Branch,
        new: &[&'p CompiledStatement],
        old: &[&'p CompiledStatement],
    ) -> Outcome2 {
        let mut stmts = Vec::new();
        for st in new {
            let role = match st.effect {
                Effect::Allow => Role::NewAllow,
                Effect::Deny => Role::NewDeny,
            };
            stmts.push(Stmt { role, st });
        }
        for st in old {
            let role = match (st.effect, branch) {
                (Effect::Allow, Branch::NotGranted) => Role::OldAllow,
                (Effect::Deny, Branch::Denied) => Role::OldDeny,
                _ => continue,
            };
            stmts.push(Stmt { role, st });
        }
        if branch == Branch::Denied && !stmts.iter().any(|s| s.role == Role::OldDeny) {
            return Outcome2::Proved;
        }
        // Dimension 0: the resource; then one per condition key.
        let mut globs: Vec<Glob> = Vec::new();
        let mut res_preds = Vec::new();
        for s in &stmts {
            let pred = self.resource_pred(s, branch, &mut globs);
            res_preds.push(pred);
        }
        let refs: Vec<&Glob> = globs.iter().collect();
        let Some(res_regions) = regions(&refs, PATTERN_BUDGET) else {
            return Outcome2::TooLarge;
        };
        let mut gates = vec![true; stmts.len()];
        for (i, s) in stmts.iter().enumerate() {
            if !self.principal_gate(s) {
                if let Some(g) = gates.get_mut(i) {
                    *g = false;
                }
            }
        }
        // dims[d][stmt] = Some(per-candidate truth) or None (no constraint).
        let mut dims: Vec<Vec<Option<Vec<bool>>>> = Vec::new();
        dims.push(
            res_preds
                .iter()
                .map(|p| match p {
                    ResPred::Const(true) => None,
                    ResPred::Const(false) => Some(vec![false; res_regions.len()]),
                    ResPred::Globs { idx, negated } => Some(
                        res_regions
                            .iter()
                            .map(|r| {
                                idx.iter().any(|i| r.member.get(*i) == Some(&true)) != *negated
                            })
                            .collect(),
                    ),
                })
                .collect(),
        );
        let mut key_values: Vec<(String, Vec<Option<ContextValue>>)> = Vec::new();
        let keys = self.key_dims(&stmts, &mut gates, &mut dims, &mut key_values);
        let _ = keys;
        let mut search = Dfs {
            stmts: &stmts,
            dims: &dims,
            gates: &gates,
            nodes: 0,
            points: Vec::new(),
            chosen: Vec::new(),
            branch,
        };
        let alive: Vec<bool> = gates.clone();
        let complete = search.go(0, alive);
        let points = std::mem::take(&mut search.points);
        if !complete && points.is_empty() {
            return Outcome2::TooLarge;
        }
        if points.is_empty() {
            return Outcome2::Proved;
        }
        let vars: Vec<(String, Option<String>)> = self
            .vars
            .iter()
            .map(|(k, _, d)| (k.clone(), d.clone()))
            .collect();
        Outcome2::Points(
            points
                .into_iter()
                .filter_map(|(choice, alive)| {
                    let resource = res_regions.get(*choice.first()?)?.witness.clone();
                    let mut context = BTreeMap::new();
                    for ((key, values), v) in key_values.iter().zip(choice.iter().skip(1)) {
                        context.insert(key.clone(), values.get(*v)?.clone());
                    }
                    let new_allows = stmts
                        .iter()
                        .zip(&alive)
                        .filter(|(s, a)| **a && s.role == Role::NewAllow)
                        .map(|(s, _)| s.st.index)
                        .collect();
                    Some(Point {
                        resource,
                        context,
                        vars: vars.clone(),
                        new_allows,
                    })
                })
                .collect(),
        )
    }

    /// Principals are not a dimension: a positive statement is taken to
    /// admit every caller, a negative one only when it names `*`.
    fn principal_gate(&mut self, s: &Stmt<'_>) -> bool {
        let Some(p) = &s.st.principal else {
            return true;
        };
        if s.role.positive() {
            return true;
        }
        let every = !p.negated && p.entries.contains(&PrincipalEntry::Any);
        if !every {
            self.approx(
                s.role,
                s.st.index,
                "a Principal other than `*` is not compared (the statement is taken to admit no one)",
            );
        }
        every
    }

    fn resource_pred(&mut self, s: &Stmt<'_>, branch: Branch, globs: &mut Vec<Glob>) -> ResPred {
        let Some(matcher) = &s.st.resources else {
            return ResPred::Const(true);
        };
        let fallback = ResPred::Const(s.role.positive());
        if self.options.arn_star_crosses_colons {
            self.approx(
                s.role,
                s.st.index,
                "stars crossing colons (R4 option) are not analysed",
            );
            return fallback;
        }
        let mode = match (branch, s.role.positive()) {
            (Branch::NotGranted, _) => VarMode::Symbol,
            (Branch::Denied, true) => VarMode::Star,
            (Branch::Denied, false) => VarMode::Drop,
        };
        let mut idx = Vec::new();
        for entry in matcher.entries.iter() {
            if matcher.negated && !entry.vars.is_empty() {
                self.approx(s.role, s.st.index, "a variable in NotResource");
                return fallback;
            }
            match &entry.pattern {
                ArnPattern::Any => return ResPred::Const(!matcher.negated),
                ArnPattern::Full {
                    head,
                    resource,
                    crossing: None,
                    ..
                } => {
                    let mut g = Glob::default();
                    g.push_literal("arn:", false);
                    let mut ok = true;
                    for (i, seg) in head.iter().enumerate() {
                        if i > 0 {
                            g.push_literal(":", false);
                        }
                        for t in seg.tokens() {
                            match t {
                                Token::Lit(l) => {
                                    g.push_literal(l, self.options.arn_head_ignore_case)
                                }
                                Token::One => g.toks.push(Tok::One { no_colon: true }),
                                Token::Star => g.toks.push(Tok::Star {
                                    no_colon: true,
                                    vars: false,
                                }),
                                Token::Var(_) => ok = false,
                            }
                        }
                    }
                    g.push_literal(":", false);
                    let mut dropped = false;
                    for t in resource.tokens() {
                        match t {
                            Token::Lit(l) => g.push_literal(l, false),
                            Token::One => g.toks.push(Tok::One { no_colon: false }),
                            Token::Star => g.toks.push(Tok::Star {
                                no_colon: false,
                                vars: true,
                            }),
                            Token::Var(n) => match mode {
                                VarMode::Star => {
                                    // Recorded, so a witness can give it a value.
                                    if let Some(var) = entry.vars.get(usize::from(*n)) {
                                        self.var_symbol(
                                            &var.key,
                                            &var.key_lower,
                                            var.default.as_deref(),
                                        );
                                    }
                                    g.toks.push(Tok::Star {
                                        no_colon: false,
                                        vars: true,
                                    });
                                }
                                VarMode::Drop => dropped = true,
                                VarMode::Symbol => {
                                    let Some(var) = entry.vars.get(usize::from(*n)) else {
                                        ok = false;
                                        continue;
                                    };
                                    let id = self.var_symbol(
                                        &var.key,
                                        &var.key_lower,
                                        var.default.as_deref(),
                                    );
                                    g.toks.push(Tok::Var(id));
                                }
                            },
                        }
                    }
                    if !ok {
                        self.approx(s.role, s.st.index, "a resource pattern of an unusual shape");
                        return fallback;
                    }
                    if dropped {
                        continue;
                    }
                    idx.push(globs.len());
                    globs.push(g);
                }
                _ => {
                    self.approx(
                        s.role,
                        s.st.index,
                        "a resource pattern that is not `*` or a six-part ARN",
                    );
                    return fallback;
                }
            }
        }
        ResPred::Globs {
            idx,
            negated: matcher.negated,
        }
    }

    /// Adds one dimension per condition key.
    fn key_dims(
        &mut self,
        stmts: &[Stmt<'p>],
        gates: &mut [bool],
        dims: &mut Vec<Vec<Option<Vec<bool>>>>,
        key_values: &mut Vec<(String, Vec<Option<ContextValue>>)>,
    ) -> usize {
        // Conditions by key (lowercase), keeping the key as first written.
        let mut by_key: Vec<KeyConditions<'p>> = Vec::new();
        for (i, s) in stmts.iter().enumerate() {
            for c in s.st.conditions.iter() {
                if !values::decidable(c) {
                    if !s.role.positive() {
                        if let Some(g) = gates.get_mut(i) {
                            *g = false;
                        }
                        self.approx(
                            s.role,
                            s.st.index,
                            &format!(
                                "the condition `{}` on `{}` (a variable in its values, or an ARN, binary or unreadable date operand) is not decided",
                                c.operator.name, c.key
                            ),
                        );
                    }
                    continue;
                }
                match by_key.iter_mut().find(|(k, _, _)| *k == *c.key_lower) {
                    Some((_, _, list)) => list.push((i, c)),
                    None => by_key.push((c.key_lower.to_string(), c.key.to_string(), vec![(i, c)])),
                }
            }
        }
        let mut count = 0;
        let empty = crate::request::Context::new();
        let _ = &empty;
        for (_, key, list) in by_key {
            let conds: Vec<&Condition> = list.iter().map(|(_, c)| *c).collect();
            let Some(cands) = values::candidates(&conds, self.options) else {
                for (i, _) in &list {
                    if let Some(s) = stmts.get(*i) {
                        if !s.role.positive() {
                            if let Some(g) = gates.get_mut(*i) {
                                *g = false;
                            }
                            self.approx(
                                s.role,
                                s.st.index,
                                &format!("the conditions on `{key}` mix families or are too many to decide"),
                            );
                        }
                    }
                }
                continue;
            };
            let contexts: Vec<crate::request::Context> = cands
                .iter()
                .map(|v| {
                    let mut c = crate::request::Context::new();
                    if let Some(v) = v {
                        c.insert(&key, v.clone());
                    }
                    c
                })
                .collect();
            let mut dim: Vec<Option<Vec<bool>>> = vec![None; stmts.len()];
            for (i, s) in stmts.iter().enumerate() {
                let mine: Vec<&Condition> = list
                    .iter()
                    .filter(|(j, _)| *j == i)
                    .map(|(_, c)| *c)
                    .collect();
                if mine.is_empty() {
                    continue;
                }
                let truth = contexts
                    .iter()
                    .map(|ctx| {
                        mine.iter().all(|c| {
                            let outcome = c.evaluate(ctx, self.options);
                            match s.st.effect {
                                Effect::Allow => outcome == Outcome::True,
                                Effect::Deny => outcome != Outcome::False,
                            }
                        })
                    })
                    .collect();
                if let Some(slot) = dim.get_mut(i) {
                    *slot = Some(truth);
                }
            }
            dims.push(dim);
            key_values.push((key, cands));
            count += 1;
        }
        count
    }
}

/// A key (lowercase, then as written) and the conditions on it, by statement.
type KeyConditions<'p> = (String, String, Vec<(usize, &'p Condition)>);

struct Dfs<'a, 'p> {
    stmts: &'a [Stmt<'p>],
    dims: &'a [Vec<Option<Vec<bool>>>],
    gates: &'a [bool],
    nodes: usize,
    points: Vec<(Vec<usize>, Vec<bool>)>,
    chosen: Vec<usize>,
    branch: Branch,
}

impl Dfs<'_, '_> {
    /// The last dimension that constrains statement `i`, plus one (0: none).
    fn settled_after(&self, i: usize) -> usize {
        self.dims
            .iter()
            .rposition(|d| d.get(i).is_some_and(Option::is_some))
            .map_or(0, |d| d + 1)
    }

    /// False when the budget ran out.
    fn go(&mut self, depth: usize, alive: Vec<bool>) -> bool {
        self.nodes += 1;
        if self.nodes > SEARCH_BUDGET {
            return false;
        }
        let live = |role: Role| {
            self.stmts
                .iter()
                .zip(&alive)
                .any(|(s, a)| *a && s.role == role)
        };
        if !live(Role::NewAllow) {
            return true;
        }
        if self.branch == Branch::Denied && !live(Role::OldDeny) {
            return true;
        }
        // A negative statement alive with nothing left to decide applies.
        for (i, (s, a)) in self.stmts.iter().zip(&alive).enumerate() {
            if *a && !s.role.positive() && self.settled_after(i) <= depth {
                return true;
            }
        }
        let Some(dim) = self.dims.get(depth) else {
            if self.points.len() < POINTS {
                self.points.push((self.chosen.clone(), alive));
            }
            return true;
        };
        let width = dim.iter().flatten().map(Vec::len).max().unwrap_or(1);
        for v in 0..width {
            if self.points.len() >= POINTS {
                return true;
            }
            let next: Vec<bool> = alive
                .iter()
                .zip(dim)
                .map(|(a, pred)| {
                    *a && pred
                        .as_ref()
                        .is_none_or(|t| t.get(v).copied().unwrap_or(false))
                })
                .collect();
            self.chosen.push(v);
            let ok = self.go(depth + 1, next);
            self.chosen.pop();
            if !ok {
                return false;
            }
        }
        let _ = self.gates;
        true
    }
}

/// A witness resource: variable symbols replaced by the context's values,
/// or by fresh ones that are then put in the context.
pub(crate) fn fill(point: &Point) -> (String, BTreeMap<String, ContextValue>) {
    let mut context: BTreeMap<String, ContextValue> = point
        .context
        .iter()
        .filter_map(|(k, v)| v.clone().map(|v| (k.clone(), v)))
        .collect();
    let resource = render(&point.resource, |n| {
        let Some((key, default)) = point.vars.get(n as usize) else {
            return String::new();
        };
        let existing = context
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .and_then(|(_, v)| match v {
                ContextValue::Single(s) if !s.is_empty() => Some(s.clone()),
                _ => None,
            });
        existing
            .or_else(|| default.clone())
            .unwrap_or_else(|| format!("us-east-1:0000000{n}-witness"))
    });
    for (n, (key, default)) in point.vars.iter().enumerate() {
        let used = point
            .resource
            .contains(&Sym::Var(u32::try_from(n).unwrap_or(u32::MAX)));
        if used && default.is_none() && !context.keys().any(|k| k.eq_ignore_ascii_case(key)) {
            context.insert(
                key.clone(),
                ContextValue::Single(format!("us-east-1:0000000{n}-witness")),
            );
        }
    }
    (resource, context)
}

/// Action regions: statement action patterns as globs, lowercase-insensitive.
pub(crate) fn action_globs(policies: &[&CompiledPolicy]) -> Vec<(usize, usize, Glob)> {
    let mut out = Vec::new();
    for (p, policy) in policies.iter().enumerate() {
        for (s, st) in policy.statements.iter().enumerate() {
            for pattern in st.actions.patterns.iter() {
                let mut g = Glob::default();
                for t in pattern.tokens() {
                    match t {
                        Token::Lit(l) => g.push_literal(l, true),
                        Token::One => g.toks.push(Tok::One { no_colon: false }),
                        Token::Star => g.toks.push(Tok::Star {
                            no_colon: false,
                            vars: false,
                        }),
                        Token::Var(_) => g.toks.push(Tok::Star {
                            no_colon: false,
                            vars: false,
                        }),
                    }
                }
                out.push((p, s, g));
            }
        }
    }
    out
}

/// The action regions, or `None` when there are too many states.
pub(crate) fn action_regions(globs: &[(usize, usize, Glob)]) -> Option<Vec<Region>> {
    let refs: Vec<&Glob> = globs.iter().map(|(_, _, g)| g).collect();
    regions(&refs, PATTERN_BUDGET)
}

/// Whether statement `s` of policy `p` matches the action of `region`.
pub(crate) fn statement_matches(
    globs: &[(usize, usize, Glob)],
    region: &[bool],
    p: usize,
    s: usize,
    negated: bool,
) -> bool {
    let any = globs
        .iter()
        .zip(region)
        .any(|((gp, gs, _), m)| *gp == p && *gs == s && *m);
    any != negated
}

/// Cache key for a search: which statements take part.
pub(crate) type Members = (Branch, Vec<usize>, Vec<usize>);

/// Searches memoised by the statements taking part.
pub(crate) type Cache = HashMap<Members, (Outcome2, Vec<Approximation>)>;
