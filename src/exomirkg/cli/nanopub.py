"""``exomirkg nanopub``: check, sign and publish nanopublications as the nanopub network expects them."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .exits import Exit, epilog, leave, reports_errors


@click.group(short_help="Check, sign or publish nanopublications (Trusty URIs, RSA signatures).")
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


@nanopub.command(short_help="Send signed nanopublications to a nanopub server (POST of TriG).",
                 epilog=epilog(OK="every nanopublication was accepted",
                               FAILED="one was refused, not sent (invalid or unsigned) or the server did not answer",
                               UNUSABLE="a bad server URL"))
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--server", required=True, metavar="URL",
              help="The nanopub server, e.g. https://np.knowledgepixels.com/ (test: https://np.test.knowledgepixels.com/).")
@click.option("--retries", default=3, show_default=True, type=click.IntRange(0, 10),
              help="Further attempts after a server error or a lost connection.")
@click.option("--timeout", default=30.0, show_default=True, type=click.FloatRange(0.1, 600),
              help="Seconds to wait for each answer.")
@click.option("--pause", default=1.0, show_default=True, type=click.FloatRange(0, 60),
              help="Seconds before the first retry (doubling).")
@click.option("--quiet", is_flag=True, help="Print only the nanopublications that were not accepted.")
@reports_errors()
def publish(paths: tuple[Path, ...], server: str, retries: int, timeout: float, pause: float, quiet: bool) -> None:
    """Send the nanopublications of PATHS (files or folders, e.g. a release's nanopubs/) to the
    server, one POST each. Each is checked first: an invalid or unsigned one is not sent. Prints
    what became of each and a summary; server errors are retried, refusals are not.
    """
    from tqdm import tqdm

    from ..nanopub.publishing import publish as send
    outcomes = send(paths, server, retries, timeout, pause,
                    progress=lambda items: tqdm(items, desc="publishing", unit="np", disable=None, file=sys.stderr))
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
        if not quiet or outcome.status != "accepted":
            click.echo(str(outcome))
    click.echo(", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "no nanopublications found")
    leave(Exit.FAILED if any(o.status != "accepted" for o in outcomes) or not outcomes else Exit.OK)
