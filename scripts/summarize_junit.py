"""Print which test runs happened and one closing total from their JUnit XML files."""

import sys
from pathlib import Path
from xml.etree import ElementTree

folder, names = Path(sys.argv[1]), sys.argv[2:]
total = {"passed": 0, "failed": 0, "skipped": 0}
print()
for name in names:
    path = folder / f"{name}.xml"
    if not path.exists():
        print(f"{name}: no results (the run did not start)")
        total["failed"] += 1
        continue
    suite = ElementTree.parse(path).getroot()
    suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
    tests, failures, errors, skipped = (
        int(suite.get(k, 0)) for k in ("tests", "failures", "errors", "skipped")
    )
    passed = tests - failures - errors - skipped
    total["passed"] += passed
    total["failed"] += failures + errors
    total["skipped"] += skipped
    print(f"{name}: {passed} passed, {failures + errors} failed, {skipped} skipped")
print(f"backends: {', '.join(n for n in names if n != 'browser') or 'none'}")
print(f"total: {total['passed']} passed, {total['failed']} failed, {total['skipped']} skipped")
