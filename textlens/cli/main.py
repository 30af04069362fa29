"""The ``textlens`` command (``python -m textlens``): the parser, built from one module per command group, and
the one place where an error, a Ctrl-C or a missing package becomes a line on stderr and an exit code.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from textlens.cli import corpus as cli_corpus
from textlens.cli import dataset as cli_dataset
from textlens.cli import faithfulness as cli_faithfulness
from textlens.cli import one_pass as cli_one_pass
from textlens.cli import pack as cli_pack
from textlens.cli import reattach as cli_reattach
from textlens.cli import serve as cli_serve
from textlens.cli import tabular as cli_tabular
from textlens.cli import team as cli_team
from textlens.cli import text as cli_text
from textlens.errors import TextlensError

# Each command and its module: ``add_parser(subparsers)`` adds its parser, ``run(args)`` does it and raises on
# failure. Listed in the order ``textlens --help`` shows them.
COMMANDS = {
    "predict": cli_text,
    "explain": cli_text,
    "pack": cli_pack,
    "corpus": cli_corpus,
    "one-pass": cli_one_pass,
    "dataset": cli_dataset,
    "faithfulness": cli_faithfulness,
    "tabular": cli_tabular,
    "reattach": cli_reattach,
    "serve": cli_serve,
    "token": cli_team,
    "session": cli_team,
    "store": cli_team,
}
FAILED = 2  # a TextlensError or a missing package (argparse uses 2 for bad arguments too)
INTERRUPTED = 130  # Ctrl-C, as a shell reports SIGINT


def _parser() -> argparse.ArgumentParser:
    # "textlens" when run as the console script, "python -m textlens" otherwise.
    prog = "textlens" if os.path.basename(sys.argv[0]) == "textlens" else "python -m textlens"
    parser = argparse.ArgumentParser(prog=prog, description="Classify texts and explain why.")
    sub = parser.add_subparsers(dest="command", required=True)
    for module in dict.fromkeys(COMMANDS.values()):
        module.add_parser(sub)
    return parser


def _error(message: object) -> int:
    print("error: " + " ".join(str(message).splitlines()), file=sys.stderr)
    return FAILED


def _reader_gone() -> int:
    """The command's output went to a reader that stopped reading (``| head``): not an error to report.

    Standard output is pointed at /dev/null so that Python's own flush at exit does not fail again.
    """
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):
        pass  # stdout is not a real file (tests): nothing will be flushed to a closed pipe
    return 141  # 128 + SIGPIPE, what other command-line tools end with here


def _interrupted(stop: KeyboardInterrupt) -> int:
    # Only the corpus engine raises CorpusInterrupted, so its module is loaded when that is what stopped the run.
    corpus = sys.modules.get("textlens.corpus.job")
    if corpus is not None and isinstance(stop, corpus.CorpusInterrupted):
        if stop.summary.notice:
            print(f"warning: {stop.summary.notice}", file=sys.stderr)
        print(f"stopped: {stop.summary.line()} Run the same command again to continue.", file=sys.stderr)
        print(json.dumps(stop.summary.to_dict()))
    else:
        print("interrupted", file=sys.stderr)
    return INTERRUPTED


def _missing_package(exc: ImportError) -> int:
    if isinstance(exc, ModuleNotFoundError) and exc.name:
        module = exc.name.split(".")[0]
        return _error(f"This command needs the Python module {module!r}, which is not installed: install it and retry.")
    return _error(exc)  # an ImportError raised on purpose says what to install


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the process exit code (every failure prints one line on stderr)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["amortize"]:  # the one-pass group's earlier name, still taken
        argv[0] = "one-pass"
    args = _parser().parse_args(argv)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        COMMANDS[args.command].run(args)
        sys.stdout.flush()  # inside the try: a reader that stopped early (`| head`) is seen here
    except BrokenPipeError:
        return _reader_gone()
    except TextlensError as exc:
        return _error(exc)
    except KeyboardInterrupt as stop:
        return _interrupted(stop)
    except ImportError as exc:
        if (exc.name or "").split(".")[0] == "textlens":
            raise  # textlens's own modules are always there: this is a bug, keep its traceback
        return _missing_package(exc)
    return 0
