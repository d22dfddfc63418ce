"""A reviewer's view of a checked folder: last year's pairing, the one-page HTML overview, the
workbook, and the passages shared between agencies (C1).

- ``pairing``: agency names compared as organs (人民政府 / 政府, full and short names), and
  ``PreviousIndex``, last year's reports by agency (``check FOLDER --previous FOLDER``);
- ``summary``: what a batch keeps of one checked report (``Outcome`` from the worker, ``Summary``
  for the aggregates) and the figures compared across the folder;
- ``copies``: sentences shared between different agencies' reports (``rules/folder/copies.yaml``);
- ``page``: ``--html`` (Jinja, ``templates/``), ``workbook``: ``--xlsx`` (openpyxl, write-only).

Nothing here reads a file or runs a rule: ``gkassist.checking`` does, and hands outcomes over.
"""
