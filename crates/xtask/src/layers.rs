//! The SPA's import structure, checked: each module imports only the layers below its own,
//! pages never import other pages, and no two modules import each other round a circle.
//! (A chat client written on a client that knew the session would have joined a circle.)

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The layers of `frontend/src`, lowest first; a module may use those of a lower rank.
const LAYERS: [(&str, u8); 13] = [
    ("format", 0),
    ("i18n", 1),
    ("route", 1),
    ("http", 2),
    ("session", 3),
    ("api", 4),
    ("load", 5),
    ("chat", 5),
    ("components", 6),
    ("pages", 7),
    ("app", 8),
    // The entry point mounts the app and declares every module.
    ("main", 9),
    ("lib", 9),
];

/// The module path of a source file relative to `src` (`pages/ticket/agent.rs` →
/// `["pages", "ticket", "agent"]`, a `mod.rs` names its directory).
fn module_of(relative: &Path) -> Vec<String> {
    let mut parts: Vec<String> = relative
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// The `crate::a::b` paths a file names (in `use` lines and in code), as `[a, b]` (`b`
/// only when it is a module name: lowercase).
fn crate_paths(source: &str) -> Vec<Vec<String>> {
    // Comments may name any module (`[`crate::session`]`): only code counts.
    let source: String = source
        .lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n");
    let mut found = Vec::new();
    for (at, _) in source.match_indices("crate::") {
        if source[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let rest = &source[at + "crate::".len()..];
        let mut path = Vec::new();
        for segment in rest.split("::").take(2) {
            let name: String = segment
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_lowercase()) {
                break;
            }
            path.push(name);
        }
        if !path.is_empty() {
            found.push(path);
        }
    }
    found
}

fn rank(top: &str) -> Option<u8> {
    LAYERS
        .iter()
        .find(|(name, _)| *name == top)
        .map(|(_, r)| *r)
}

/// The problems of a set of files (`(path relative to src, source)`); empty when the
/// structure holds.
pub fn problems(files: &[(std::path::PathBuf, String)]) -> Vec<String> {
    let mut problems = Vec::new();
    // Edges between second-level modules (`components::common`, `pages::forum`), or the
    // top-level module for a single-file layer, for the circle check.
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (path, source) in files {
        let module = module_of(path);
        let Some(top) = module.first() else { continue };
        let Some(own_rank) = rank(top) else {
            problems.push(format!(
                "{}: the module `{top}` is in no layer (add it to xtask's LAYERS)",
                path.display()
            ));
            continue;
        };
        let node = module
            .iter()
            .take(2)
            .cloned()
            .collect::<Vec<_>>()
            .join("::");
        for target in crate_paths(source) {
            let target_top = &target[0];
            let Some(target_rank) = rank(target_top) else {
                continue;
            };
            let target_node = target
                .iter()
                .take(2)
                .cloned()
                .collect::<Vec<_>>()
                .join("::");
            if target_top == top {
                if top == "pages" && target.len() > 1 && module.get(1) != target.get(1) {
                    problems.push(format!(
                        "{}: a page imports another page (`crate::{}`); share it from components",
                        path.display(),
                        target.join("::")
                    ));
                }
            } else if target_rank >= own_rank && top != "main" {
                problems.push(format!(
                    "{}: `{top}` imports `crate::{}`, which is not below it",
                    path.display(),
                    target.join("::")
                ));
            }
            if target_node != node {
                edges.entry(node.clone()).or_default().insert(target_node);
            }
        }
    }
    if let Some(circle) = find_circle(&edges) {
        problems.push(format!("an import circle: {}", circle.join(" → ")));
    }
    problems
}

/// One circle of `edges`, if there is any (depth-first search).
fn find_circle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = stack.iter().position(|n| n == node) {
            let mut circle = stack[start..].to_vec();
            circle.push(node.to_owned());
            return Some(circle);
        }
        if done.contains(node) {
            return None;
        }
        stack.push(node.to_owned());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(circle) = visit(next, edges, stack, done) {
                return Some(circle);
            }
        }
        stack.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    edges
        .keys()
        .find_map(|node| visit(node, edges, &mut Vec::new(), &mut done))
}

/// Checks `src` (the SPA's source directory).
pub fn check(src: &Path) -> Result<(), String> {
    let mut files = Vec::new();
    collect(src, src, &mut files).map_err(|e| format!("reading {}: {e}", src.display()))?;
    let problems = problems(&files);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the SPA's import structure is broken:\n  {}",
            problems.join("\n  ")
        ))
    }
}

fn collect(
    root: &Path,
    dir: &Path,
    out: &mut Vec<(std::path::PathBuf, String)>,
) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(root, &path, out)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            let relative = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
            out.push((relative, std::fs::read_to_string(&path)?));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(list: &[(&str, &str)]) -> Vec<(std::path::PathBuf, String)> {
        list.iter()
            .map(|(p, s)| (std::path::PathBuf::from(p), (*s).to_owned()))
            .collect()
    }

    #[test]
    fn imports_downwards_pass() {
        let ok = files(&[
            ("http.rs", "use crate::i18n;"),
            ("session.rs", "use crate::http::{self, Body};"),
            ("api/mod.rs", "use crate::session::Session;"),
            (
                "pages/ticket/mod.rs",
                "use crate::components::ticket::TicketData;",
            ),
            (
                "pages/ticket/agent.rs",
                "use crate::pages::ticket::x; use super::y;",
            ),
        ]);
        assert_eq!(problems(&ok), Vec::<String>::new());
    }

    #[test]
    fn upward_imports_pages_importing_pages_and_circles_fail() {
        let up = files(&[("http.rs", "use crate::session::Session;")]);
        assert!(problems(&up)[0].contains("not below it"));
        let pages = files(&[("pages/ticket.rs", "use crate::pages::agent::AgentTicket;")]);
        assert!(problems(&pages)[0].contains("another page"));
        let circle = files(&[
            ("components/a.rs", "use crate::components::b::B;"),
            ("components/b.rs", "fn f() { crate::components::a::f() }"),
        ]);
        let found = problems(&circle);
        assert!(found[0].contains("circle"), "{found:?}");
    }

    #[test]
    fn the_real_spa_holds() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../frontend/src");
        check(&src).unwrap();
    }
}
