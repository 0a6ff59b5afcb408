// EUSRender: see README.md, "Design".
