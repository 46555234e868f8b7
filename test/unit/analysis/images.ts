import { resolve } from 'node:path';

/** The shared real photos (read-only, never copied into the repo). */
export const IMAGES_DIR = resolve(process.cwd(), '../shared/data/images');
export const image = (name: string): string => resolve(IMAGES_DIR, name);
export const PHOTOS = ['astronaut.png', 'chelsea.png', 'coffee.png', 'rocket.jpg', 'hubble_deep_field.jpg', 'retina.jpg'] as const;
export const TEXTURES = ['brick.png', 'grass.png', 'gravel.png'] as const;
