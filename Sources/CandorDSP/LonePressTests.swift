/// The tests a click heard without its release must pass to count as a key press: that it
/// sounds like this recording's presses heard with their releases (``Keystroke/typicality``),
/// is as loud as they usually are (``Keystroke/loudness``), or delivers its energy at once as a
/// key's impact does (``Keystroke/impulsiveness``) — the measures speech's transients seldom
/// reach. One set of tests for both places that ask: the keystroke detector's faint onsets
/// (``KeystrokeSettings/faintPressTests``) and the keyboard detector's lone presses inside
/// speech, each with its own bar for shape alone.
///
/// A bar of 1 turns its test off; a click without the measure a test asks for fails it.
public struct LonePressTests: Sendable, Equatable, Codable {
    /// Typical: at least this typical of the presses heard with their releases.
    public var typicality: Double
    /// Loud: no quieter than this share of those presses…
    public var loudShare: Double
    /// …and at least this typical.
    public var loudTypicality: Double
    /// Jointly: typicality and loudness taken together (``PressTemplate/jointShare(_:_:)``) no
    /// less likely of a press than this.
    public var jointShare: Double
    /// Impulsive: at least this share of its energy within its loudest 2 ms…
    public var impulsiveness: Double
    /// …and no quieter than this share of the presses.
    public var impulsiveLoudness: Double

    public init(typicality: Double, loudShare: Double, loudTypicality: Double, jointShare: Double,
                impulsiveness: Double, impulsiveLoudness: Double) {
        self.typicality = typicality
        self.loudShare = loudShare
        self.loudTypicality = loudTypicality
        self.jointShare = jointShare
        self.impulsiveness = impulsiveness
        self.impulsiveLoudness = impulsiveLoudness
    }

    public enum Test: Sendable, Equatable { case typical, loud, joint, impulsive }

    /// The first test a click with these measures passes, in the order typical, loud, joint,
    /// impulsive (the impulsive one only with `impulsiveToo`), or nil.
    public func passed(typicality: Double?, loudness: Double?, impulsiveness: Double?, impulsiveToo: Bool = true) -> Test? {
        if let typicality, self.typicality < 1, typicality >= self.typicality { return .typical }
        if let typicality, let loudness, loudShare < 1, loudTypicality < 1,
           loudness >= loudShare, typicality >= loudTypicality { return .loud }
        if let typicality, let loudness, jointShare < 1,
           PressTemplate.jointShare(typicality, loudness) >= jointShare { return .joint }
        if impulsiveToo, let impulsiveness, let loudness, self.impulsiveness < 1,
           impulsiveness >= self.impulsiveness, loudness >= impulsiveLoudness { return .impulsive }
        return nil
    }
}
