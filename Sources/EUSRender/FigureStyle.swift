/// Type sizes and line weights shared by every figure, so a set of figures reads as one:
/// 7 pt ticks and legends, 8 pt axis labels, 9 pt panel titles (journal figures ask for
/// 6–9 pt at the printed size).
public enum FigureStyle {
    public static let tickFont = Font(size: 7)
    public static let labelFont = Font(size: 8)
    public static let titleFont = Font(size: 9, bold: true)
    public static let legendFont = Font(size: 7)
    public static let annotationFont = Font(size: 7)
    public static let axisStroke = Stroke(Ink.axis, width: 0.6)
    public static let gridStroke = Stroke(Ink.grid, width: 0.4)
    public static let seriesWidth = 1.25
    public static let tickLength = 2.5
    /// Space between a figure's edge and its content, in points.
    public static let margin = 4.0
}
