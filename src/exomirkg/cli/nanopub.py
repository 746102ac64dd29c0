"""``exomirkg nanopub``: check and sign nanopublications as the nanopub network expects them."""
from __future__ import annotations

from pathlib import Path

import click

from .exits import Exit, epilog, leave, reports_errors


@click.group(short_help="Check or sign nanopublications (Trusty URIs, RSA signatures).")
def nanopub() -> None:
    """Nanopublications as the nanopub network expects them: structure, Trusty URI, signature."""


@nanopub.command(short_help="Check the nanopublications of FILES or folders.",
                 epilog=epilog(OK="every nanopublication is valid", FAILED="one is invalid or a file unreadable"))
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--quiet", is_flag=True, help="Print only the invalid nanopublications.")
@reports_errors()
def check(paths: tuple[Path, ...], quiet: bool) -> None:
    """Check each nanopublication of PATHS (TriG, N-Quads, TriX; folders are walked): structure, the
    Trusty URI artifact code when its IRI has one, the signature when it is signed. Each is reported
    as plain, trusty, signed or invalid, with what is wrong in plain words."""
    from ..nanopub import check_path
    counts: dict[str, int] = {}
    for path in paths:
        for file, reports in check_path(path).items():
            for report in reports:
                counts[report.status] = counts.get(report.status, 0) + 1
                if not quiet or not report.valid:
                    click.echo(f"{file}: {report}")
    click.echo(", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "no nanopublications found")
    leave(Exit.FAILED if counts.get("invalid") or not counts else Exit.OK)


@nanopub.command(short_help="Sign FILE's nanopublication with an RSA key; write it trusty and signed.",
                 epilog=epilog(OK="signed", FAILED="the nanopublication is not valid", UNUSABLE="unreadable file or key"))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--key", "key_path", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Private RSA key (PEM, or the base64 DER of a nanopub profile). Never commit it.")
@click.option("--signer", default=None, help="The signer's ORCID IRI (npx:signedBy).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the signed TriG (default: standard output).")
@reports_errors()
def sign(file: Path, key_path: Path, signer: str | None, out: Path | None) -> None:
    """Sign the nanopublication in FILE: the result is trusty (RA artifact code) and signed."""
    from ..nanopub import load_private_key, read_file
    from ..nanopub import sign as sign_text
    text, fmt = read_file(file)
    signed = sign_text(text, load_private_key(key_path), signed_by=signer, fmt=fmt)
    if out is None:
        click.echo(signed, nl=False)
    else:
        out.write_text(signed, encoding="utf-8", newline="")
        click.echo(f"wrote {out}", err=True)
