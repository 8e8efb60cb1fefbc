//! What the benches share: IAM patterns as globset globs, for the benches
//! that compare our matcher and index with globset, and the generated
//! policy sets.

pub mod generated;

/// The IAM pattern as a glob: IAM's `*` and `?` kept, runs of `*` collapsed
/// (globset gives `**` a meaning of its own), everything else escaped.
pub fn to_glob(pattern: &str) -> Result<globset::Glob, globset::Error> {
    let mut glob = String::new();
    let mut literal = String::new();
    for c in pattern.chars() {
        if c == '*' || c == '?' {
            glob.push_str(&globset::escape(&std::mem::take(&mut literal)));
            if !(c == '*' && glob.ends_with('*')) {
                glob.push(c);
            }
        } else {
            literal.push(c);
        }
    }
    glob.push_str(&globset::escape(&literal));
    globset::GlobBuilder::new(&glob)
        .literal_separator(false)
        .build()
}
