import sys

if __name__ == "__main__":
    if getattr(sys, "frozen", False):
        # The reader process for untrusted spreadsheets (perfdesk.excel.sandbox) is started
        # by running this program again; freeze_support() turns such a run into the worker.
        import multiprocessing

        multiprocessing.freeze_support()
    from perfdesk.cli import main

    sys.exit(main())
