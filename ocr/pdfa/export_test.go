package pdfa

// GlyphLessTrueType exposes the generated font program to the black-box tests, which
// parse it with an independent TrueType reader.
var GlyphLessTrueType = glyphLessTrueType
