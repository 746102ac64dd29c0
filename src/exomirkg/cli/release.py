"""``exomirkg release``: a FAIR, versioned release, written whole or not at all."""
from __future__ import annotations

from pathlib import Path

import click

from .exits import epilog, reports_errors
from .options import in_checkout, project_at, root_option


@click.command(short_help="Cut a FAIR, versioned release into OUT/VERSION.",
               epilog=epilog(OK="released",
                             FAILED="curation problems, or the built graph breaks shapes/ (nothing released)",
                             UNUSABLE="a bad VERSION, VERSION exists without --force, Graphviz or pyLODE missing "
                                      "or failing, a curation file unusable, or not a checkout",
                             CONFLICT="another release of VERSION is under way in OUT; retry when it has finished"))
@root_option
@click.argument("version")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("dist"), show_default=True,
              help="Folder that holds the versions (relative to the checkout).")
@click.option("--force", is_flag=True, help="Replace an existing version folder.")
@click.option("--date", default=None, help="Release date (YYYY-MM-DD); default: the curation's dataset date.")
@click.option("--sign-key", "sign_key", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Private RSA key that signs the nanopublications (PEM, or a nanopub profile's base64 DER). "
                   "Never commit it. Without it they are trusty but not signed.")
@click.option("--signer", default=None, metavar="ORCID",
              help="The signer's ORCID iD or IRI, stated as npx:signedBy (needs --sign-key).")
@click.option("--server-url", "server_url", default=None, metavar="URL",
              help="Public URL of the server that will serve this release (exomirkg serve --release), where the "
                   "release's w3id.org rules (w3id/exomir-kg/.htaccess) redirect the project's IRIs. "
                   "Default: a placeholder host (exomirkg.publish.w3id.SERVER_PLACEHOLDER); cut the release again with "
                   "the real URL before registering the rules.")
@reports_errors(prefix="release failed")
def release(root: Path | None, version: str, out: Path, force: bool, date: str | None, sign_key: Path | None,
            signer: str | None, server_url: str | None) -> None:
    """Cut release VERSION into OUT/VERSION: data in five RDF formats, TSV and KGX, ontology, shapes,
    queries, mappings, docs, a figure, metadata (HCLS, DCAT, VoID, Bioschemas, RO-Crate, CITATION.cff),
    the w3id.org redirect rules of its IRIs (to --server-url), reports, a claim-level changelog, and
    every claim as a trusty nanopublication (signed with --sign-key) with an index nanopublication;
    between releases unchanged claims keep their nanopublication, changed ones are superseded and
    removed ones retracted.

    It is written into a hidden folder and swapped into place: a failed or interrupted release
    leaves the previous one as it was. One release of a version runs at a time: a second one exits
    3 at once (conflict). Hidden folders of killed releases in OUT are removed (or reported while
    their release is under way).
    """
    from ..publish.products import Signing
    from ..publish.release import release as run_release
    from ..publish.w3id import SERVER_PLACEHOLDER
    project = project_at(root)
    signing = None
    if signer and not sign_key:
        raise click.UsageError("--signer needs --sign-key")
    if sign_key:
        from ..ids.orcid import orcid_iri
        from ..nanopub import load_private_key
        signing = Signing(load_private_key(sign_key), orcid_iri(signer) if signer else None)
    from ..publish.products import PRODUCTS
    from .progress import steps
    with steps(len(PRODUCTS) + 1, f"release {version}") as step:
        result = run_release(project, version, in_checkout(out, project), force, date, signing,
                             server_url or SERVER_PLACEHOLDER, step)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    click.echo(f"released {version} into {result.folder} ({len(result.files)} files); "
               f"claims added {len(result.changes['added'])}, removed {len(result.changes['removed'])}, "
               f"changed {len(result.changes['changed'])}")
