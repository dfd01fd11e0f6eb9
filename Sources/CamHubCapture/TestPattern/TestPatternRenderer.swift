public import Foundation

/// Draws the built-in test picture: colour bars, a box that sweeps across, the camera's name, a
/// clock and the frame number.
///
/// The static background is painted once; each frame copies it and draws only what moves, so a
/// frame costs a few memory copies rather than a loop over every pixel.
public struct TestPatternRenderer {
    public let width: Int
    public let height: Int
    private let title: String
    private let background: YUV420Picture
    private var picture: YUV420Picture

    public init(width: Int, height: Int, title: String) {
        self.width = width
        self.height = height
        self.title = String(title.uppercased().prefix(24))
        background = Self.paintBackground(width: width, height: height)
        picture = background
    }

    /// The picture for frame `number` shown at `time`.
    public mutating func render(frameNumber number: UInt64, at time: Date) -> YUV420Picture {
        picture.y = background.y
        picture.u = background.u
        picture.v = background.v

        // A box that sweeps left to right across the bars, one step per frame.
        let box = max(8, height / 6)
        let travel = max(1, width - box)
        let step = Int(number % UInt64(2 * travel))
        let x = step < travel ? step : 2 * travel - step
        picture.fill(x: x, y: height / 3 - box / 2, width: box, height: box, color: .white)
        picture.fill(x: x + box / 4, y: height / 3 - box / 4, width: box / 2, height: box / 2, color: YUVColor(red: 220, green: 30, blue: 30))

        let scale = max(1, min(width / 120, height / 80))
        let lineHeight = (BitmapFont.glyphHeight + 3) * scale
        let top = height - 3 * lineHeight - scale * 2
        picture.fill(x: 0, y: top - scale * 2, width: width, height: height - top + scale * 2, color: YUVColor(y: 24, u: 128, v: 128))
        draw(title, x: scale * 3, y: top, scale: scale)
        draw(Self.clock(time), x: scale * 3, y: top + lineHeight, scale: scale)
        draw("#\(number)", x: scale * 3, y: top + 2 * lineHeight, scale: scale)
        return picture
    }

    /// A dark picture saying NO SIGNAL, the camera's name and since when: what a camera whose
    /// source is down shows instead of its last, stale frame.
    public mutating func renderNoSignal(since time: Date) -> YUV420Picture {
        picture.fill(x: 0, y: 0, width: width, height: height, color: YUVColor(y: 24, u: 128, v: 128))
        let scale = max(1, min(width / 100, height / 70))
        let lineHeight = (BitmapFont.glyphHeight + 3) * scale
        let top = height / 2 - lineHeight
        draw("NO SIGNAL", x: scale * 3, y: top - lineHeight, scale: scale * 2)
        draw(title, x: scale * 3, y: top + lineHeight, scale: scale)
        draw("SINCE " + Self.clock(time), x: scale * 3, y: top + 2 * lineHeight, scale: scale)
        return picture
    }

    private mutating func draw(_ text: String, x: Int, y: Int, scale: Int) {
        var penX = x
        for character in text {
            let rows = BitmapFont.rows(for: character)
            for (rowIndex, bits) in rows.enumerated() where bits != 0 {
                for column in 0..<BitmapFont.glyphWidth where bits & (1 << (BitmapFont.glyphWidth - 1 - column)) != 0 {
                    picture.fill(x: penX + column * scale, y: y + rowIndex * scale, width: scale, height: scale, color: .white)
                }
            }
            penX += (BitmapFont.glyphWidth + 1) * scale
        }
    }

    /// `HH:MM:SS.mmm` in UTC.
    static func clock(_ time: Date) -> String {
        let millis = Int64((time.timeIntervalSince1970 * 1000).rounded(.down))
        let ms = millis % 1000
        let seconds = (millis / 1000) % 60
        let minutes = (millis / 60_000) % 60
        let hours = (millis / 3_600_000) % 24
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let msText = ms < 10 ? "00\(ms)" : ms < 100 ? "0\(ms)" : "\(ms)"
        return "\(two(hours)):\(two(minutes)):\(two(seconds)).\(msText) UTC"
    }

    private static func paintBackground(width: Int, height: Int) -> YUV420Picture {
        var picture = YUV420Picture(width: width, height: height)
        let bars: [(Int, Int, Int)] = [
            (192, 192, 192), (192, 192, 0), (0, 192, 192), (0, 192, 0),
            (192, 0, 192), (192, 0, 0), (0, 0, 192), (40, 40, 40),
        ]
        let barWidth = (width + bars.count - 1) / bars.count
        for (index, bar) in bars.enumerated() {
            picture.fill(x: index * barWidth, y: 0, width: barWidth, height: height * 2 / 3, color: YUVColor(red: bar.0, green: bar.1, blue: bar.2))
        }
        // A grey ramp under the bars, in 16 steps.
        let steps = 16
        let stepWidth = (width + steps - 1) / steps
        for index in 0..<steps {
            let level = index * 255 / (steps - 1)
            picture.fill(x: index * stepWidth, y: height * 2 / 3, width: stepWidth, height: height - height * 2 / 3, color: YUVColor(red: level, green: level, blue: level))
        }
        return picture
    }
}
