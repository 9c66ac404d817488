//! The helper's loop driven as git drives it, with in-memory stdin and
//! stdout, against an embedded store in a temporary directory: what git
//! would read on the helper's stdout.

use super::Helper;
use crate::address::Address;
use crate::store::local::LocalStore;
use git2::{Oid, Repository, Signature};
use std::path::Path;

/// A temporary directory with an embedded store (`store/`, as `NIP_HOME`
/// would hold it) and a repository (`repo/`): `main` (two commits), `old`
/// (the first), and an annotated tag `v1` of the first.
struct Fixture {
    dir: tempfile::TempDir,
    store: LocalStore,
    repo: Repository,
    first: Oid,
    second: Oid,
    tag: Oid,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::open(dir.path().join("store")).unwrap();
        let repo = Repository::init(dir.path().join("repo")).unwrap();
        let sig = Signature::new("A U Thor", "author@example.com", &git2::Time::new(1_700_000_000, 0)).unwrap();
        let commit = |content: &str, parents: &[&git2::Commit<'_>]| {
            let blob = repo.blob(content.as_bytes()).unwrap();
            let mut tree = repo.treebuilder(None).unwrap();
            tree.insert("file", blob, 0o100644).unwrap();
            let tree = repo.find_tree(tree.write().unwrap()).unwrap();
            repo.commit(None, &sig, &sig, content, &tree, parents).unwrap()
        };
        let first = commit("one\n", &[]);
        let second = commit("two\n", &[&repo.find_commit(first).unwrap()]);
        repo.reference("refs/heads/main", second, true, "").unwrap();
        repo.reference("refs/heads/old", first, true, "").unwrap();
        repo.set_head("refs/heads/main").unwrap();
        let tag = repo.tag("v1", &repo.find_object(first, None).unwrap(), &sig, "version 1\n", false).unwrap();
        Fixture { dir, store, repo, first, second, tag }
    }

    /// A helper for `remote` at `address`, in `repo`, on this fixture's store.
    fn helper<'s>(&'s self, address: &str, repo: &'s Repository) -> Helper<'s> {
        Helper::new("origin".into(), Address::parse(address).unwrap(), "nip".into(), &self.store, None, Ok(repo))
    }

    /// What git reads on the helper's stdout for `input`, and how the
    /// helper ended.
    fn session(&self, address: &str, repo: &Repository, input: &str) -> (String, Result<(), String>) {
        let mut out = Vec::new();
        let ended = self.helper(address, repo).run(input.as_bytes(), &mut out).map_err(|e| e.to_string());
        (String::from_utf8(out).unwrap(), ended)
    }

    /// Pushes `main`, `old` and `v1` to `new-ipfs` as `git push origin`
    /// would; the address the remote moved to.
    fn pushed(&self) -> String {
        self.repo.remote("origin", "nip::new-ipfs").unwrap();
        let (out, ended) = self.session(
            "new-ipfs",
            &self.repo,
            "capabilities\nlist for-push\npush refs/heads/main:refs/heads/main\npush refs/heads/old:refs/heads/old\n\
             push refs/tags/v1:refs/tags/v1\n\n\n",
        );
        assert_eq!(ended, Ok(()));
        assert_eq!(out, "fetch\npush\noption\n\n\nok refs/heads/main\nok refs/heads/old\nok refs/tags/v1\n\n");
        let url = self.repo.config().unwrap().snapshot().unwrap().get_string("remote.origin.url").unwrap();
        let address = url.strip_prefix("nip::").unwrap_or_else(|| panic!("the remote URL is {url:?}")).to_string();
        assert!(address.starts_with("/ipfs/"), "the remote moved to {address:?}");
        address
    }

    /// How many packs the embedded store holds.
    fn packs(&self) -> usize {
        let packs = std::fs::read_dir(self.dir.path().join("store/packs")).unwrap();
        packs.filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "pack")).count()
    }

    /// An empty repository beside the fixture's.
    fn empty_repo(&self, name: &str) -> Repository {
        Repository::init(self.dir.path().join(name)).unwrap()
    }
}

#[test]
fn capabilities_and_options() {
    let f = Fixture::new();
    let (out, ended) = f.session(
        "new-ipfs",
        &f.repo,
        "capabilities\noption progress false\noption verbosity 0\noption followtags true\noption pushcert true\n\
         option cas refs/heads/main\noption depth 1\n\n",
    );
    assert_eq!(ended, Ok(()));
    assert_eq!(out, "fetch\npush\noption\n\nok\nok\nunsupported\nunsupported\nunsupported\nok\n");
}

#[test]
fn the_session_ends_at_a_blank_line_or_the_end_of_input() {
    let f = Fixture::new();
    assert_eq!(f.session("new-ipfs", &f.repo, ""), (String::new(), Ok(())));
    assert_eq!(f.session("new-ipfs", &f.repo, "\ncapabilities\n"), (String::new(), Ok(())));
    assert_eq!(f.session("new-ipfs", &f.repo, "capabilities"), ("fetch\npush\noption\n\n".into(), Ok(())));
}

#[test]
fn an_unknown_command_is_an_error_after_the_answers_before_it() {
    let f = Fixture::new();
    let (out, ended) = f.session("new-ipfs", &f.repo, "capabilities\nconnect git-upload-pack\ncapabilities\n\n");
    assert_eq!(out, "fetch\npush\noption\n\n");
    assert_eq!(ended, Err(r#"git sent an unknown command "connect git-upload-pack"; is git too new for this nip?"#.into()));
}

#[test]
fn a_new_address_lists_nothing() {
    let f = Fixture::new();
    assert_eq!(f.session("new-ipfs", &f.repo, "list\nlist for-push\n\n"), ("\n\n".into(), Ok(())));
}

#[test]
fn a_pushed_repository_is_listed_with_its_tags_peeled_and_its_head() {
    let f = Fixture::new();
    let address = f.pushed();
    let (first, second, tag) = (f.first, f.second, f.tag);
    // Peeled from the index into a repository that has none of it (a
    // clone), and from the objects of the repository that pushed it.
    for repo in [&f.empty_repo("clone"), &f.repo] {
        let (out, ended) = f.session(&address, repo, "list\n\n");
        assert_eq!(ended, Ok(()));
        assert_eq!(
            out,
            format!(
                "{second} refs/heads/main\n{first} refs/heads/old\n{tag} refs/tags/v1\n{first} refs/tags/v1^{{}}\n\
                 @refs/heads/main HEAD\n\n"
            )
        );
    }
    let (out, ended) = f.session(&address, &f.repo, "list for-push\n\n");
    assert_eq!(ended, Ok(()));
    assert_eq!(out, format!("{second} refs/heads/main\n{first} refs/heads/old\n{tag} refs/tags/v1\n\n"));
}

#[test]
fn a_push_answers_ok_or_error_for_each_ref() {
    let f = Fixture::new();
    let address = f.pushed();
    f.repo.remote_set_url("origin", &format!("nip::{address}")).unwrap();
    let (out, ended) = f.session(
        &address,
        &f.repo,
        "list for-push\npush refs/heads/old:refs/heads/main\npush refs/heads/main:refs/heads/copy\n\
         push refs/heads/main:refs/tags/v1\npush :refs/heads/main\n\n\n",
    );
    assert_eq!(ended, Ok(()));
    let (first, second, tag) = (f.first, f.second, f.tag);
    assert_eq!(
        out,
        format!(
            "{second} refs/heads/main\n{first} refs/heads/old\n{tag} refs/tags/v1\n\n\
             error refs/heads/main non-fast-forward\nok refs/heads/copy\nerror refs/tags/v1 already exists\n\
             error refs/heads/main deletion of the current branch prohibited\n\n"
        )
    );
    let url = f.repo.config().unwrap().snapshot().unwrap().get_string("remote.origin.url").unwrap();
    assert_ne!(url, format!("nip::{address}"), "the push of refs/heads/copy made a new index");
}

#[test]
fn a_dry_run_changes_nothing() {
    let f = Fixture::new();
    let (out, ended) = f.session("new-ipfs", &f.repo, "option dry-run true\npush refs/heads/main:refs/heads/main\n\n\n");
    assert_eq!(ended, Ok(()));
    assert_eq!(out, "ok\nok refs/heads/main\n\n");
    assert_eq!(f.packs(), 0, "a dry run stores nothing");
}

#[test]
fn a_push_to_no_ref_is_refused_after_the_batch() {
    let f = Fixture::new();
    let (out, ended) =
        f.session("new-ipfs", &f.repo, "push refs/heads/main:refs/heads/main\npush refs/heads/main:refs/heads/a..b\n\n\n");
    assert_eq!(out, "");
    let said = ended.unwrap_err();
    assert!(said.starts_with(r#"cannot push to "refs/heads/a..b": it is not a valid git ref name"#), "{said}");
    assert_eq!(f.packs(), 0, "nothing was pushed");
    let (_, ended) = f.session("new-ipfs", &f.repo, "push refs/heads/main:refs/heads/main\nlist\n\n");
    assert_eq!(
        ended,
        Err(r#"git sent "list" inside a batch of push lines; a batch ends with a blank line"#.into()),
        "a line of another kind in a batch"
    );
}

#[test]
fn a_fetch_writes_a_pack_and_hands_git_its_keep_file() {
    let f = Fixture::new();
    let address = f.pushed();
    let clone = f.empty_repo("clone");
    let (first, second) = (f.first, f.second);
    let (out, ended) =
        f.session(&address, &clone, &format!("fetch {second} refs/heads/main\nfetch {first} refs/heads/old\n\n\n"));
    assert_eq!(ended, Ok(()));
    let keep = out.strip_prefix("lock ").and_then(|r| r.strip_suffix("\n\n")).unwrap_or_else(|| panic!("{out:?}"));
    assert!(Path::new(keep).is_file(), "{keep}");
    assert!(clone.find_commit(second).is_ok() && clone.find_commit(first).is_ok());
}

#[test]
fn a_fetch_refuses_what_nip_cannot_do_yet_and_what_is_no_object() {
    let f = Fixture::new();
    let address = f.pushed();
    let clone = f.empty_repo("clone");
    let second = f.second;
    let (out, ended) = f.session(&address, &clone, &format!("option depth 1\nfetch {second} refs/heads/main\nfetch x y\n\n"));
    assert_eq!(out, "ok\n");
    assert!(ended.unwrap_err().starts_with("nip does not do shallow clones or fetches yet"));
    let (out, ended) = f.session(&address, &clone, &format!("fetch {second} refs/heads/main\nfetch d177 y\n\n"));
    assert_eq!(out, "");
    assert_eq!(ended, Err(r#"git asked to fetch "d177", which is not an object id"#.into()));
    assert!(clone.find_commit(second).is_err(), "nothing was fetched");
}

#[test]
fn outside_a_repository_a_list_is_answered_and_a_fetch_refused() {
    let f = Fixture::new();
    let address = f.pushed();
    let none = Repository::open(f.dir.path().join("nowhere")).map(|_| ()).unwrap_err();
    let mut out = Vec::new();
    let mut helper = Helper::new("origin".into(), Address::parse(&address).unwrap(), "nip".into(), &f.store, None, Err(&none));
    let ended = helper.run(format!("list\nfetch {} refs/heads/main\n\n\n", f.second).as_bytes(), &mut out);
    let out = String::from_utf8(out).unwrap();
    assert!(out.starts_with(&format!("{} refs/heads/main\n", f.second)) && out.ends_with("@refs/heads/main HEAD\n\n"), "{out}");
    let said = ended.unwrap_err().to_string();
    assert!(said.starts_with("git: ") && said.contains("nowhere"), "{said}");
}
