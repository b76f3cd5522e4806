"""Names of the schema migrations, in order, importable without sqlite-utils.

Opening a database only needs these names to tell its version (``list`` must start fast and
sqlite-utils pulls in numpy when installed); :mod:`perfdesk.store.migrations` holds the code and
asserts that it registers exactly these names.
"""

MIGRATION_SET = "perfdesk"
MIGRATION_NAMES: tuple[str, ...] = (
    "0001_records_and_revisions",
    "0002_search",
    "0003_list_index",
    "0004_sort_indexes",
    "0005_year_name_index",
    "0006_search_every_position_and_sorts",
    "0007_count_index",
    "0008_score_sorts_as_number",
    "0009_hand_in_packages",
    "0010_indicator_library",
    "0011_plain_search",
    "0012_monitoring",
    "0013_soft_delete",
    "0014_package_form_fingerprints",
)
SCHEMA_VERSION = len(MIGRATION_NAMES)
