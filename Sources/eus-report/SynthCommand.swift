import ArgumentParser
import EUSData
import EUSPipeline
import EUSSupport
import Foundation

struct SynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Make the synthetic EUS phantom: GIST and leiomyoma B-mode images with lesion masks.",
        discussion: """
        Writes a dataset in folder form that every other step reads:
          OUT/GIST/gist_001.png ...  8-bit gray B-mode (radial or linear scanner)
          OUT/LM/lm_001.png ...
          OUT/masks/<case_id>.png    lesion masks (255 inside the lesion)
          OUT/manifest.csv           case_id,path,label,mask_path, then the
                                     generating parameters of each case
          OUT/contact_sheet.png      a dozen cases of each class, labelled

        Each image has a layered wall (five alternating hyper- and hypoechoic
        layers), Rayleigh speckle, depth attenuation with TGC, and a hypoechoic
        lesion arising from the 4th layer (muscularis propria). GISTs are larger
        and heterogeneous, with hyperechoic foci, cystic spaces, a marginal halo
        and lobulated borders; leiomyomas are smaller, homogeneous, markedly
        hypoechoic and oval, and may arise from the 2nd layer. --difficulty sets
        the share of atypical cases that look like the other class, so a good
        model stays well below 100% accuracy.

        The same options give byte-identical files. OUT is replaced as a whole,
        and only once everything is written.

        Example:
          eus-report synth --out data/phantom
          eus-report synth --out data/tiny --gist 6 --lm 6 --size 64 --seed 7
        """
    )

    @Option(name: .long, help: ArgumentHelp("Output folder (replaced if it exists).", valueName: "dir"))
    var out: String

    @Option(help: "Number of GIST cases.")
    var gist: Int = 69

    @Option(help: "Number of leiomyoma (LM) cases.")
    var lm: Int = 73

    @Option(help: "Image side in pixels (32 to 2048).")
    var size: Int = 256

    @Option(help: "Random seed; the same seed gives the same bytes.")
    var seed: UInt64 = 1

    @Option(help: "Share of atypical cases, in [0, 1].")
    var difficulty: Double = 0.15

    @Flag(name: .customLong("screen-capture"), help: "Draw each scan into a 1280x1024 processor-like frame, off-centre, with burned-in fake text (name, ID, date, MHz, gain), a grey-scale bar and a logo; masks stay in frame coordinates. `--crop auto` finds the scan again.")
    var screenCapture = false

    func validate() throws {
        do {
            try settings.validate()
        } catch let error as UserError {
            throw ValidationError(error.message)
        }
    }

    var settings: Phantom.Settings {
        Phantom.Settings(gist: gist, lm: lm, size: size, seed: seed, difficulty: difficulty)
    }

    func run() throws {
        let folder = URL(fileURLWithPath: out)
        let cases = try DataSteps.writePhantom(settings, to: folder, screenCapture: screenCapture)
        let atypical = cases.filter(\.parameters.atypical).count
        print("\(folder.path): \(gist) GIST + \(lm) LM at \(size)x\(size) px\(screenCapture ? " in \(ScreenCapture.width)x\(ScreenCapture.height) screen captures" : "") (\(atypical) atypical); see contact_sheet.png")
    }
}
