"""`python -m unqa.index ...` is `unqa index ...`; `python -m unqa.index search ...` is `unqa search ...`."""
import sys

from unqa.cli import main

args = sys.argv[1:]
main(args if args[:1] == ["search"] else ["index", *args])
