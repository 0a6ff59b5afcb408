import TestHelpers
import EUSGradCAM
import Foundation

/// A `.npy` fixture in this target's Fixtures folder (scripts/make_gradcam_fixtures.py).
func npyFixture(_ name: String) throws -> NPYArray { try TestHelpers.npyFixture(name, in: .module) }

/// The URL of a file in this target's Fixtures folder.
func fixture(_ name: String) throws -> URL { try TestHelpers.fixtureURL(name, in: .module) }
