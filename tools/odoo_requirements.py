"""Print Odoo's runtime requirements as pins that install from wheels here.

Odoo's requirements.txt pins per Python version. On Python 3.11 several of the
"< 3.12" pins are sdists that no longer build (cbor2 5.4.2, for one), while the
pins chosen for Python 3.12 all ship wheels and run on 3.11. So we evaluate the
environment markers as if on 3.12, keep the platform markers real, and leave
out what the addon never needs:

- python-ldap (only for auth_ldap, needs system headers);
- psycopg2, replaced by psycopg2-binary of the same version (a wheel: no
  compiler nor libpq headers needed; it provides the same ``psycopg2`` module).
"""

import sys

from pip._vendor.packaging.markers import default_environment
from pip._vendor.packaging.requirements import Requirement

SKIP = {"python-ldap"}
RENAME = {"psycopg2": "psycopg2-binary"}


def main(path):
    env = default_environment()
    env.update(python_version="3.12", python_full_version="3.12.0")
    with open(path, encoding="utf-8") as f:
        lines = f.readlines()
    for raw in lines:
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        req = Requirement(line)
        if req.marker and not req.marker.evaluate(env):
            continue
        name = req.name.lower()
        if name in SKIP:
            continue
        req.name = RENAME.get(name, req.name)
        req.marker = None
        print(req)


if __name__ == "__main__":
    main(sys.argv[1])
