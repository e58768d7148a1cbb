"""The web stage: HTTP in, SearchRequest/SearchResult out, rendered as HTML, JSON, feeds and exports."""
