"""The indicator library (指标库, forms.md §7): every indicator the database holds, with each
use, and the entries of bureaus' indicator-library workbooks.

* :mod:`perfdesk.library.catalogue` — entries, search and proposed targets (pure);
* :mod:`perfdesk.library.history` — reading the library from the store;
* :mod:`perfdesk.library.workbook` — a bureau's library workbook, bytes in, entries out;
* :mod:`perfdesk.library.sources` — importing such a workbook into the store;
* :mod:`perfdesk.library.links` — which record 结转下一年 made a record from.
"""
