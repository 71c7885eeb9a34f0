"""`python -m unqa.eval ...` is `unqa eval ...`."""
import sys

from unqa.cli import main

main(["eval", *sys.argv[1:]])
