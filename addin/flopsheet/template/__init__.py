"""Build the flopsheet .xlsm workbook from xlwings' standalone quickstart template."""
