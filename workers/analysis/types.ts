/** Result types of image analysis (plain data: crosses worker and IPC boundaries). */

export interface PaletteColour {
  hex: string;
  /** CIELAB (D65) centroid of the cluster. */
  lab: [number, number, number];
  /** Share of the image's pixels, 0–1; a palette's weights sum to 1. */
  weight: number;
  /** Nearest name in a small table of well-known colour names. */
  name: string;
}

export type LightingKey = 'low' | 'mid' | 'high';
export type Temperature = 'warm' | 'neutral' | 'cool';

export interface LightingMetrics {
  /** Mean Rec.709 luma of the gamma-encoded image, 0 (black) – 1 (white). */
  meanLuminance: number;
  /** RMS contrast: standard deviation of luma, 0 – 0.5. */
  contrast: number;
  /** low-key: mean luma < 0.35; high-key: > 0.65; otherwise mid. */
  key: LightingKey;
  /** Mean (R − B)/255 over the image, −1 (cold blue) – +1 (warm orange). */
  temperature: number;
  temperatureLabel: Temperature;
  /** Mean HSV saturation, 0–1. */
  saturation: number;
}

export interface CompositionMetrics {
  /** 1 − mean |luma(x) − luma(mirror x)| on a 32×32 block grid: 1 = mirror-symmetric. */
  symmetryLR: number;
  symmetryTB: number;
  /** Share of edge energy near the four rule-of-thirds points (Gaussian, σ = 1/12 of the side). */
  thirdsEnergy: number;
  /** Centre of visual mass (edge-energy weighted), 0–1 from left / top. */
  massX: number;
  massY: number;
  /** Share of grid cells with almost no edge energy (calm, empty areas), 0–1. */
  negativeSpace: number;
}

export interface TextureMetrics {
  /** Share of pixels whose Sobel magnitude exceeds EDGE_THRESHOLD (a ≈ 8 % luma step). */
  edgeDensity: number;
  /** Mean Sobel magnitude (luma step units). */
  meanGradient: number;
  /** 1 / (1 + CV of edge energy over a 16×16 grid): ≈1 for stationary textures, low for a subject on a calm ground. */
  uniformity: number;
  /** Magnitude-weighted histogram of gradient orientation over [0, π), ORIENTATION_BINS bins, sums to 1. */
  orientationHist: number[];
  /** Share of pixels in each log-spaced magnitude band (see MAGNITUDE_EDGES), sums to 1. */
  magnitudeHist: number[];
}

export interface ArtifactMetrics {
  /** Every pixel (nearly) the same colour. */
  blank: boolean;
  /** Almost no luma variation or edges: a wash, fog or flat fill. */
  nearUniform: boolean;
  /** Share of pixels crushed to black (all channels ≤ 2) or blown to white (all ≥ 253). */
  clippedShadows: number;
  clippedHighlights: number;
  clippedShare: number;
}

export interface ColourMetrics {
  /** Share of pixels in the 12 most common 6-bit-per-channel colours: ≈1 flat/vector art, low for photos. */
  flatness: number;
  /** Mean colour in Lab. */
  meanLab: [number, number, number];
}

export interface ImageAnalysis {
  /** Size of the analysed image as given (before the analysis downscale). */
  width: number;
  height: number;
  /** Size the metrics were computed at (see analysis-size.ts). */
  analysisWidth: number;
  analysisHeight: number;
  palette: PaletteColour[];
  colour: ColourMetrics;
  lighting: LightingMetrics;
  composition: CompositionMetrics;
  texture: TextureMetrics;
  artifacts: ArtifactMetrics;
}
