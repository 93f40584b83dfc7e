"""Arrays to colours: colormaps, value ranges, display maps, mosaics, table cells."""
