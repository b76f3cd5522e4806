"""Printing: the forms' layouts as data, drawing each form, fonts, a year's printing, verifying printouts."""
