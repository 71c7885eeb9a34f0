"""`python -m eval ...` is `unqa eval ...`."""
import sys

from unqa import main

main(["eval", *sys.argv[1:]])
