"""All file and network input/output of impactrisk.

``parse_*`` functions take lines or a stream, ``read_*`` take a path and ``fetch_*``
do network I/O; each returns plain records that the constructors in
:mod:`impactrisk.elements` turn into domain objects.
"""
