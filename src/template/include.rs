//! `${file(PATH)}` includes of a Serverless Framework file: where an
//! included file may be, and how many may be read.
//!
//! Source: <https://www.serverless.com/framework/docs/guides/variables/file>.
//!
//! A template is often someone else's file, and what it includes is read and
//! may be printed back (in a note, an error, a policy). So an include is read
//! only when it is a relative path that stays, once `..` and symbolic links
//! are followed, inside the include root: the template's own directory
//! unless [`TemplateOptions::include_root`](super::TemplateOptions::include_root)
//! widens it. An absolute path (`/etc/passwd`, `~/.aws/credentials`) or one
//! that escapes the root is refused with an error rather than read: the
//! fail-closed reading, since a template that needs a file outside its
//! directory can be given a wider root explicitly, but a file read by
//! mistake cannot be unread. A path is resolved against the directory of
//! the file that holds the reference. A file that includes itself, directly
//! or through others, is refused; at most [`MAX_INCLUDES`] files are read,
//! each at most [`MAX_TEMPLATE_BYTES`](super::MAX_TEMPLATE_BYTES), and their
//! bytes count against [`MAX_EXPANDED_BYTES`](super::MAX_EXPANDED_BYTES);
//! include inside include counts against
//! [`MAX_INTRINSIC_DEPTH`](super::MAX_INTRINSIC_DEPTH).

use std::path::{Component, Path, PathBuf};

use super::MAX_TEMPLATE_BYTES;

/// How many `${file(…)}` includes one template may read in all. An
/// include is a relative path that stays inside the template's directory
/// (or [`TemplateOptions::include_root`](super::TemplateOptions::include_root))
/// once `..` and symbolic links are followed: anything else is refused,
/// never read.
pub const MAX_INCLUDES: usize = 64;

/// The files one template may include, and those open now.
#[derive(Debug)]
pub(super) struct Includes {
    /// Canonical: every included file must be inside it.
    root: PathBuf,
    /// Canonical paths of the files being read now, the template first.
    open: Vec<PathBuf>,
    /// Files read so far.
    read: usize,
}

fn canonical(path: &Path) -> Result<PathBuf, String> {
    path.canonicalize()
        .map_err(|e| format!("cannot read `{}`: {e}", path.display()))
}

impl Includes {
    /// For the template at `template`; `root` widens where includes may be.
    pub(super) fn new(template: &Path, root: Option<&Path>) -> Result<Self, String> {
        let template = canonical(template)?;
        let root = match root {
            Some(root) => canonical(root)?,
            None => template.parent().map(Path::to_path_buf).unwrap_or_default(),
        };
        Ok(Includes {
            root,
            open: vec![template],
            read: 0,
        })
    }

    /// The directory a relative path of the file read now starts from.
    fn dir(&self) -> PathBuf {
        self.open
            .last()
            .and_then(|p| p.parent())
            .map_or_else(|| self.root.clone(), Path::to_path_buf)
    }

    /// Where `written` is, if it may be read.
    pub(super) fn locate(&self, written: &str) -> Result<PathBuf, String> {
        let path = Path::new(written);
        let absolute = path.is_absolute()
            || path.has_root()
            || written.starts_with('~')
            || matches!(path.components().next(), Some(Component::Prefix(_)));
        if written.is_empty() || absolute {
            return Err(format!(
                "`{written}` is not a relative path: an include is read only from under `{}`",
                self.root.display()
            ));
        }
        let found = canonical(&self.dir().join(path))?;
        if !found.starts_with(&self.root) {
            return Err(format!(
                "`{written}` is outside `{}`: an include is read only from under the template's directory (or the include root given)",
                self.root.display()
            ));
        }
        Ok(found)
    }

    /// Reads `path` and marks it open until [`Includes::close`].
    pub(super) fn open(&mut self, path: PathBuf) -> Result<String, String> {
        if let Some(at) = self.open.iter().position(|p| *p == path) {
            let chain: Vec<String> = self
                .open
                .iter()
                .skip(at)
                .chain(std::iter::once(&path))
                .map(|p| p.display().to_string())
                .collect();
            return Err(format!("the file includes itself: {}", chain.join(" → ")));
        }
        self.read += 1;
        if self.read > MAX_INCLUDES {
            return Err(format!(
                "the template includes more than {MAX_INCLUDES} files (MAX_INCLUDES)"
            ));
        }
        let size = std::fs::metadata(&path)
            .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?
            .len();
        if size > MAX_TEMPLATE_BYTES as u64 {
            return Err(format!(
                "`{}` is {size} bytes; the limit is {MAX_TEMPLATE_BYTES}",
                path.display()
            ));
        }
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
        self.open.push(path);
        Ok(text)
    }

    /// Closes the file opened last.
    pub(super) fn close(&mut self) {
        self.open.pop();
    }
}
