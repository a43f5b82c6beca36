// Placeholder translation unit until the HTTP parser and server land.
