"""Server-side SVG for the pages: the world map (:mod:`.worldmap`) and small charts
(:mod:`.charts`), written as text with every label escaped; no JavaScript library."""
