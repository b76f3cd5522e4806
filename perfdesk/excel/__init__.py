"""Excel in (reading, form recognition, values) and out (the bureau's layouts, the year's summary)."""
