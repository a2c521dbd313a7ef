#!/usr/bin/env python3
"""Print an infrastructure-as-code file as JSON, parsed by the tools' own parsers.

THIS IS NOT APP CODE: test support only.  The export tests use it to read what Gatehouse
wrote the way the real tools would:

    python tests/support/iac2json.py cfn FILE   # CloudFormation YAML (cfn-lint's decoder:
                                                 # !Ref/!GetAtt become {"Ref": ...} etc.)
    python tests/support/iac2json.py hcl FILE   # Terraform HCL (python-hcl2)

Exit status 1 (with the parser's message on stderr) when the file does not parse.
"""

from __future__ import annotations

import json
import sys


def load_cfn(path: str) -> object:
    from cfnlint.decode import decode

    template, matches = decode(path)
    if matches:
        raise ValueError("; ".join(str(m) for m in matches))
    return template


def load_hcl(path: str) -> object:
    import hcl2
    from hcl2.utils import SerializationOptions

    # Plain values: strings without their quotes, heredocs as their text, no comments.
    options = SerializationOptions(with_comments=False, explicit_blocks=False,
                                   preserve_heredocs=False, strip_string_quotes=True)
    with open(path, encoding="utf-8") as f:
        return hcl2.load(f, serialization_options=options)


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[1] not in ("cfn", "hcl"):
        print(__doc__, file=sys.stderr)
        return 2
    try:
        data = load_cfn(argv[2]) if argv[1] == "cfn" else load_hcl(argv[2])
    except Exception as e:  # noqa: BLE001 - any parser error is the answer
        print(f"{argv[2]}: {e}", file=sys.stderr)
        return 1
    json.dump(data, sys.stdout, indent=1, sort_keys=True, default=str)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
