import Foundation

/// Tells a key's press from its release by the click's spectral shape, learnt from the
/// recording's own press–release pairs.
///
/// Keyboards differ (a buckling spring's release rings higher than its press; a laptop's release
/// may be nearly silent), so nothing about the shapes is assumed: the pairs the dwell-time
/// decoding finds give labelled examples, a Fisher discriminant (pooled covariance, shrunk
/// towards its diagonal mean) projects a shape onto one axis, and the two classes' means and
/// spread on that axis are measured on examples the discriminant was *not* fitted on (two-fold
/// cross-fitting), so the log-likelihood ratio it returns is not inflated by overfitting. A
/// keyboard whose presses and releases do not separate on held-out examples gets no model.
public struct PressReleaseModel: Sendable {
    /// Unit-spread discriminant axis and its centre.
    let weights: [Double]
    let centre: Double
    /// Held-out projections: class means (relative to `centre`) and their pooled deviation.
    let pressMean: Double
    let releaseMean: Double
    let deviation: Double
    /// Share of held-out examples on the wrong side of the axis (less the swapped share).
    public let confusion: Double
    /// Some keys' presses sound like other keys' releases (and some pairs are decoded wrongly),
    /// so each class is modelled as a mixture with this much of the other, which bounds the
    /// evidence a single click can give at log((1 − c) / c): the share on the wrong side
    /// beyond what the two Gaussians' own overlap puts there (Φ(−separation / 2)), at least
    /// 0.02 — the overlap is already in the Gaussians' likelihood ratio, and counted twice it
    /// made a weakly separating discriminant's evidence several times too faint (at a
    /// separation of 1, a click one deviation past the midpoint gave 0.35 instead of 1).
    /// (`confusionBeyondOverlap` false: `confusion` itself.)
    public let evidenceConfusion: Double
    /// The most evidence one click can give either way: log((1 − c) / c), c the
    /// ``evidenceConfusion``.
    public var evidenceBound: Double { log((1 - evidenceConfusion) / evidenceConfusion) }
    /// The share of the pairs it was fitted on measured as swapped (0 when not measured).
    public let swapped: Double
    /// Separation of the classes on held-out examples, in deviations.
    public var separation: Double { (releaseMean - pressMean) / deviation }

    /// `nil` when there are fewer than `minimumPairs` pairs or held-out separation is below
    /// `minimumSeparation` deviations. `confusionBeyondOverlap`: see ``evidenceConfusion``.
    ///
    /// Pairs labelled by timing alone are sometimes swapped (decoded out of phase: the press
    /// taken for a release, the release for a press). Given which pairs cannot be (`unswapped`,
    /// at least `minimumUnswapped` of them), the share swapped is measured (``swappedShare``)
    /// and the classes' means, spread and confusion are corrected for it.
    public init?(presses: [[Float]], releases: [[Float]], minimumPairs: Int = 20, minimumSeparation: Double = 1,
                 unswapped: [Bool]? = nil, minimumUnswapped: Int = 40, confusionBeyondOverlap: Bool = true) {
        let n = min(presses.count, releases.count)
        guard n >= max(minimumPairs, 4), let dimension = presses.first?.count, dimension > 0 else { return nil }
        let p = presses.prefix(n).map { $0.map(Double.init) }, r = releases.prefix(n).map { $0.map(Double.init) }
        guard let heldOut = Self.heldOut(p, r), let axis = Self.fit(p, r) else { return nil }
        let (pm, rm) = Self.classMeans(heldOut)
        var squares = 0.0
        for v in heldOut where !v.release { squares += (v.value - pm) * (v.value - pm) }
        for v in heldOut where v.release { squares += (v.value - rm) * (v.value - rm) }
        let deviation = max((squares / Double(heldOut.count - 2)).squareRoot(), 1e-6)
        guard (rm - pm) / deviation >= minimumSeparation else { return nil }
        let swapped = unswapped.map { Self.swappedShare(heldOut, separation: rm - pm, unswapped: $0, minimumUnswapped: minimumUnswapped) } ?? 0
        let middle = (pm + rm) / 2
        let wrong = heldOut.filter { ($0.value > middle) != $0.release }.count
        // With a share ε of the pairs swapped, the classes' means are drawn together by 1 − 2ε,
        // each class widened by ε(1 − ε) × the squared separation, and ε more examples are on
        // the wrong side; the midpoint stays.
        let e = min(max(swapped, 0), 0.4)
        self.swapped = e
        let separation = (rm - pm) / (1 - 2 * e)
        let variance = max(deviation * deviation - e * (1 - e) * separation * separation, 0.25 * deviation * deviation)
        confusion = min(0.5, max((Double(wrong) / Double(heldOut.count) - e) / (1 - 2 * e), 0.02))
        weights = axis.weights
        centre = axis.centre
        pressMean = middle - separation / 2
        releaseMean = middle + separation / 2
        self.deviation = max(variance.squareRoot(), 1e-6)
        // The share two Gaussians this far apart put past the midpoint by themselves.
        let overlap = 0.5 * erfc(separation / self.deviation / 2 / 2.0.squareRoot())
        evidenceConfusion = confusionBeyondOverlap
            ? min(0.5, max((confusion - overlap) / (1 - 2 * overlap), 0.02))
            : confusion
    }

    /// Held-out projections of the pairs `p[i]`, `r[i]` (each press, then its release), fold
    /// 0's pairs first.
    private static func heldOut(_ p: [[Double]], _ r: [[Double]]) -> [(value: Double, release: Bool, pair: Int)]? {
        let n = p.count
        // Two folds by alternating pairs (neighbouring keys are alike; alternating spreads them).
        var heldOut: [(value: Double, release: Bool, pair: Int)] = []
        for fold in 0..<2 {
            let train = { (i: Int) in i % 2 != fold }
            guard let axis = Self.fit(p.indices.filter(train).map { p[$0] }, r.indices.filter(train).map { r[$0] })
            else { return nil }
            for i in 0..<n where !train(i) {
                heldOut.append((Self.project(p[i], axis.weights) - axis.centre, false, i))
                heldOut.append((Self.project(r[i], axis.weights) - axis.centre, true, i))
            }
        }
        return heldOut
    }

    /// The share ε of the pairs that are swapped, measured against those whose labels cannot be
    /// (`unswapped`): on held-out examples the classes are 1 − 2ε as far apart over all pairs
    /// as over those. 0 with fewer than `minimumUnswapped` of those, or where they are no
    /// further apart.
    /// `separation`: the classes' held-out separation over all pairs.
    static func swappedShare(_ heldOut: [(value: Double, release: Bool, pair: Int)], separation all: Double,
                             unswapped: [Bool], minimumUnswapped: Int) -> Double {
        guard heldOut.allSatisfy({ $0.pair < unswapped.count }),
              Set(heldOut.map(\.pair)).filter({ unswapped[$0] }).count >= max(minimumUnswapped, 2) else { return 0 }
        let known = classMeans(heldOut.filter { unswapped[$0.pair] })
        guard all > 0, known.release - known.press > all else { return 0 }
        return (1 - all / (known.release - known.press)) / 2
    }

    /// The mean held-out projection of the presses and of the releases.
    private static func classMeans(_ heldOut: [(value: Double, release: Bool, pair: Int)]) -> (press: Double, release: Double) {
        let p = heldOut.filter { !$0.release }.map(\.value), r = heldOut.filter(\.release).map(\.value)
        return (p.reduce(0, +) / Double(p.count), r.reduce(0, +) / Double(r.count))
    }

    /// log p(shape | release) − log p(shape | press).
    public func releaseEvidence(_ shape: [Float]) -> Double {
        let s = Self.project(shape.map(Double.init), weights) - centre
        let d2 = deviation * deviation
        // log N_r(s) − log N_p(s) for the two unit-spread Gaussians on the axis.
        let gaussian = ((s - pressMean) * (s - pressMean) - (s - releaseMean) * (s - releaseMean)) / (2 * d2)
        let c = evidenceConfusion
        // p(s | release) = (1 − c) N_r + c N_p, p(s | press) = (1 − c) N_p + c N_r.
        let g = min(max(gaussian, -50), 50)
        let ratio = exp(g)  // N_r / N_p
        return log(((1 - c) * ratio + c) / ((1 - c) + c * ratio))
    }

    /// Shrinks a covariance 10 % towards its mean variance (twelve dimensions estimated from a
    /// few dozen examples).
    static func shrink(_ c: inout [Double], _ d: Int) {
        var trace = 0.0
        for k in 0..<d { trace += c[k * d + k] }
        let amount = 0.1
        for a in 0..<d {
            for b in 0..<d { c[a * d + b] *= 1 - amount }
            c[a * d + a] += amount * trace / Double(d) + 1e-9
        }
    }

    private static func project(_ x: [Double], _ weights: [Double]) -> Double {
        var s = 0.0
        for k in x.indices { s += weights[k] * x[k] }
        return s
    }

    /// Fisher axis scaled to unit within-class spread on its training data, and the midpoint of
    /// the class means on it.
    private static func fit(_ p: [[Double]], _ r: [[Double]]) -> (weights: [Double], centre: Double)? {
        guard p.count >= 2, r.count >= 2 else { return nil }
        let d = p[0].count
        let mp = mean(p, d), mr = mean(r, d)
        var scatter = [Double](repeating: 0, count: d * d)
        addScatter(p, about: mp, d, to: &scatter)
        addScatter(r, about: mr, d, to: &scatter)
        let dof = Double(p.count + r.count - 2)
        for k in scatter.indices { scatter[k] /= dof }
        shrink(&scatter, d)
        guard let l = cholesky(scatter, d) else { return nil }
        var w = solve(l, d, zip(mr, mp).map { $0 - $1 })
        // Unit within-class spread: wᵀ S w = 1.
        var spread = 0.0
        for a in 0..<d { for b in 0..<d { spread += w[a] * scatter[a * d + b] * w[b] } }
        guard spread > 0 else { return nil }
        let scale = 1 / spread.squareRoot()
        w = w.map { $0 * scale }
        let centre = (project(mp, w) + project(mr, w)) / 2
        return (w, centre)
    }

    /// Mean of `xs` (each `d` values).
    static func mean(_ xs: [[Double]], _ d: Int) -> [Double] {
        var m = [Double](repeating: 0, count: d)
        for x in xs { for k in 0..<d { m[k] += x[k] } }
        return m.map { $0 / Double(xs.count) }
    }

    /// Adds the outer products of `xs`' deviations from `m` to `scatter` (d × d, row-major).
    static func addScatter(_ xs: [[Double]], about m: [Double], _ d: Int, to scatter: inout [Double]) {
        for x in xs {
            for a in 0..<d { for b in 0..<d { scatter[a * d + b] += (x[a] - m[a]) * (x[b] - m[b]) } }
        }
    }

    /// Lower Cholesky factor of a symmetric positive-definite matrix (d × d, row-major).
    static func cholesky(_ s: [Double], _ d: Int) -> [Double]? {
        var l = [Double](repeating: 0, count: d * d)
        for i in 0..<d {
            for j in 0...i {
                var sum = s[i * d + j]
                for k in 0..<j { sum -= l[i * d + k] * l[j * d + k] }
                if i == j {
                    guard sum > 0 else { return nil }
                    l[i * d + i] = sum.squareRoot()
                } else {
                    l[i * d + j] = sum / l[j * d + j]
                }
            }
        }
        return l
    }

    /// Solves L Lᵀ x = y.
    static func solve(_ l: [Double], _ d: Int, _ y: [Double]) -> [Double] {
        var z = y
        for i in 0..<d {
            for k in 0..<i { z[i] -= l[i * d + k] * z[k] }
            z[i] /= l[i * d + i]
        }
        for i in stride(from: d - 1, through: 0, by: -1) {
            for k in (i + 1)..<d { z[i] -= l[k * d + i] * z[k] }
            z[i] /= l[i * d + i]
        }
        return z
    }
}

/// How typical a click's spectral shape is of this recording's key presses: a Gaussian (mean and
/// covariance shrunk towards its diagonal mean) fitted to the shapes of presses heard with
/// their releases, with the distance of a shape to it (Mahalanobis) turned into the share of
/// *held-out* presses at least as far away (two-fold cross-fitting), so that 0.05 means "less
/// typical than 95 % of this keyboard's presses" whatever the keyboard.
///
/// A quiet click under speech stands out of what sounded before it in some bands only; in the
/// others its "shape" is the speech's. Those bands are missing, not evidence:
/// ``typicality(_:observed:minimumObservedShare:)`` measures it on the bands it was observed in.
public struct PressTemplate: Sendable {
    private let folds: [(mean: [Double], factor: [Double])]
    /// Held-out squared distances of the presses, ascending.
    private let heldOut: [Double]
    /// The presses' shapes, and the templates over subsets of the bands (fitted when first asked for).
    private let shapes: [[Double]]
    private final class Subsets: @unchecked Sendable {
        let lock = NSLock()
        var templates: [[Bool]: PressTemplate?] = [:]
    }
    private let subsets = Subsets()

    /// `nil` with fewer than `minimumPresses` presses (at least 8).
    public init?(presses: [[Float]], minimumPresses: Int = 20) {
        guard presses.count >= max(minimumPresses, 8), let dimension = presses.first?.count, dimension > 0 else { return nil }
        let x = presses.map { $0.map(Double.init) }
        var folds: [(mean: [Double], factor: [Double])] = []
        var heldOut: [Double] = []
        for fold in 0..<2 {
            let train = x.indices.filter { $0 % 2 != fold }.map { x[$0] }
            guard let model = Self.fit(train, dimension) else { return nil }
            folds.append(model)
            for i in x.indices where i % 2 == fold { heldOut.append(Self.distance(x[i], model, dimension)) }
        }
        self.folds = folds
        self.heldOut = heldOut.sorted()
        shapes = x
    }

    /// Typicality of a click observed only in the `observed` bands (where it stands out of what
    /// sounded before it): the template fitted to the presses' shapes over those bands alone
    /// (each taken about its mean there), and the share of held-out presses at least as far
    /// from it over the same bands. With every band observed, or fewer than
    /// `minimumObservedShare` of them (what is left says too little), ``typicality(_:)``.
    public func typicality(_ shape: [Float], observed: [Bool], minimumObservedShare: Double) -> Double {
        guard observed.count == shape.count, Self.measuredOnObserved(observed, minimumShare: minimumObservedShare)
        else { return typicality(shape) }
        subsets.lock.lock()
        let cached = subsets.templates[observed]
        subsets.lock.unlock()
        let template: PressTemplate?
        if let cached {
            template = cached
        } else {
            template = PressTemplate(presses: shapes.map { Self.centred($0, observed).map(Float.init) }, minimumPresses: 8)
            subsets.lock.lock()
            subsets.templates[observed] = template
            subsets.lock.unlock()
        }
        guard let template else { return typicality(shape) }
        return template.typicality(Self.centred(shape.map(Double.init), observed).map(Float.init))
    }

    /// Whether a click observed in the `observed` bands only is measured on those: some but not
    /// all of them (at least two), and at least `minimumShare` of them.
    public static func measuredOnObserved(_ observed: [Bool], minimumShare: Double) -> Bool {
        let count = observed.filter { $0 }.count
        return count < observed.count && count >= 2 && Double(count) >= minimumShare * Double(observed.count) - 1e-9
    }

    /// The `observed` bands of a shape, about their mean.
    private static func centred(_ x: [Double], _ observed: [Bool]) -> [Double] {
        let kept = x.indices.filter { observed[$0] }.map { x[$0] }
        let mean = kept.reduce(0, +) / Double(kept.count)
        return kept.map { $0 - mean }
    }

    /// How a click measured by two independent shares of this keyboard's presses — how typical
    /// its shape is, how loud it is — fares on both at once: Fisher's method, the chance that a
    /// press would score as low on the two together (−2 ln(a·b) is χ² with 4 degrees of freedom
    /// for uniform a and b): a·b·(1 − ln(a·b)). A press whose shape and level are each middling
    /// passes where a speech sound, low on both, does not (0…1).
    public static func jointShare(_ a: Double, _ b: Double) -> Double {
        let product = min(max(a, 0), 1) * min(max(b, 0), 1)
        return product > 0 ? product * (1 - log(product)) : 0
    }

    /// Share of held-out presses whose shape is at least as far from the template (0…1).
    public func typicality(_ shape: [Float]) -> Double {
        let x = shape.map(Double.init), d = x.count
        let distance = folds.reduce(0) { $0 + Self.distance(x, $1, d) } / Double(folds.count)
        let closer = heldOut.partitionIndex { $0 < distance }
        return Double(heldOut.count - closer) / Double(heldOut.count)
    }

    private static func fit(_ x: [[Double]], _ d: Int) -> (mean: [Double], factor: [Double])? {
        guard x.count >= 2 else { return nil }
        let mean = PressReleaseModel.mean(x, d)
        var c = [Double](repeating: 0, count: d * d)
        PressReleaseModel.addScatter(x, about: mean, d, to: &c)
        for k in c.indices { c[k] /= Double(x.count - 1) }
        PressReleaseModel.shrink(&c, d)
        guard let l = PressReleaseModel.cholesky(c, d) else { return nil }
        return (mean, l)
    }

    private static func distance(_ x: [Double], _ model: (mean: [Double], factor: [Double]), _ d: Int) -> Double {
        let deviation = zip(x, model.mean).map { $0 - $1 }
        let z = PressReleaseModel.solve(model.factor, d, deviation)
        return zip(z, deviation).reduce(0) { $0 + $1.0 * $1.1 }
    }
}
