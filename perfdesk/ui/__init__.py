"""The desktop window. Holds no SQL, no Excel parsing and no PDF layout: it calls the core."""
