//! What the sweep enumerates: every `#[server]` function in the app's source (read with `syn`:
//! its name, endpoint, input encoding and arguments), matched to Leptos' registry of server
//! functions, and every Rust source file under a folder (for the router's own routes).

use quote::ToTokens;
use std::path::Path;

/// What an argument of a server function is, as far as the sweep fills it in.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum ArgKind {
    Id,
    Text,
    Flag,
    Number,
    /// A structure or map: left out (the function answers 400 and changes nothing).
    Other,
}

/// A server function read from the app's source.
#[derive(Debug)]
pub(crate) struct FnSpec {
    pub(crate) name: String,
    pub(crate) endpoint: Option<String>,
    pub(crate) json: bool,
    pub(crate) args: Vec<(String, ArgKind)>,
}

fn kind_of(ty: &syn::Type) -> ArgKind {
    let t = ty.to_token_stream().to_string().replace(' ', "");
    let inner = t
        .strip_prefix("Option<")
        .and_then(|s| s.strip_suffix('>'))
        .unwrap_or(&t);
    match inner {
        _ if inner.ends_with("Uuid") => ArgKind::Id,
        "String" => ArgKind::Text,
        "bool" => ArgKind::Flag,
        "u8" | "u16" | "u32" | "u64" | "i32" | "i64" | "usize" => ArgKind::Number,
        _ => ArgKind::Other,
    }
}

fn collect(items: &[syn::Item], out: &mut Vec<FnSpec>) {
    for item in items {
        match item {
            syn::Item::Mod(m) => {
                if let Some((_, items)) = &m.content {
                    collect(items, out);
                }
            }
            syn::Item::Fn(f) => {
                let Some(attr) = f.attrs.iter().find(|a| a.path().is_ident("server")) else {
                    continue;
                };
                let tokens = attr.to_token_stream().to_string().replace(' ', "");
                let endpoint = tokens
                    .split_once("endpoint=\"")
                    .and_then(|(_, rest)| rest.split_once('"'))
                    .map(|(e, _)| e.to_string());
                let args = f
                    .sig
                    .inputs
                    .iter()
                    .filter_map(|a| match a {
                        syn::FnArg::Typed(p) => {
                            Some((p.pat.to_token_stream().to_string(), kind_of(&p.ty)))
                        }
                        syn::FnArg::Receiver(_) => None,
                    })
                    .collect();
                out.push(FnSpec {
                    name: f.sig.ident.to_string(),
                    endpoint,
                    json: tokens.contains("input=Json"),
                    args,
                });
            }
            _ => {}
        }
    }
}

/// Every `#[server]` function under `app/src`.
fn server_fns_in_source() -> Vec<FnSpec> {
    let mut files = Vec::new();
    source_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/src"),
        &mut files,
    );
    let mut out = Vec::new();
    for path in files {
        let file = syn::parse_file(&std::fs::read_to_string(&path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        collect(&file.items, &mut out);
    }
    out
}

/// Every Rust file under `dir`.
pub(crate) fn source_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            source_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The registered path of each server function of the source (`/api/{name}{hash}` or its endpoint).
pub(crate) fn registered() -> Vec<(&'static str, FnSpec)> {
    let mut specs = server_fns_in_source();
    let paths: Vec<&'static str> = leptos::server_fn::axum::server_fn_paths()
        .map(|(p, _)| p)
        .collect();
    assert!(
        paths.len() > 50,
        "the registry lists {} functions",
        paths.len()
    );
    let mut out = Vec::new();
    for p in paths {
        let base = p
            .strip_prefix("/api/")
            .unwrap_or(p)
            .trim_end_matches(|c: char| c.is_ascii_digit());
        let i = specs
            .iter()
            .position(|s| s.endpoint.as_deref() == Some(base) || s.name == base)
            .unwrap_or_else(|| {
                panic!("{p} is registered but not found in app/src: teach the sweep to read it")
            });
        out.push((p, specs.swap_remove(i)));
    }
    assert!(
        specs.is_empty(),
        "in the source but not registered: {:?}",
        specs.iter().map(|s| &s.name).collect::<Vec<_>>()
    );
    // Ending A's session goes last, so every other call is made signed in.
    out.sort_by_key(|(_, s)| s.name == "log_out");
    out
}
