// Ray tracer: spheres and a checkered ground plane lit by point lights, with Lambert and
// Blinn-Phong shading, shadow rays and recursive mirror reflections, rendered with 3x3
// supersampling into an 8-bit RGB image. Small structs passed by value, doubles throughout;
// only sqrt and floor from libm, both exact, so the image is the same bit for bit everywhere.
#include <math.h>
#include <stdlib.h>

#include "bench_common.h"

enum { WIDTH = 640, HEIGHT = 480, SAMPLES = 3, MAX_DEPTH = 5, SPHERES = 10, LIGHTS = 2 };

typedef struct { double x, y, z; } Vec;

static inline Vec vec(double x, double y, double z) { return (Vec){x, y, z}; }
static inline Vec add(Vec a, Vec b) { return vec(a.x + b.x, a.y + b.y, a.z + b.z); }
static inline Vec sub(Vec a, Vec b) { return vec(a.x - b.x, a.y - b.y, a.z - b.z); }
static inline Vec scale(Vec a, double s) { return vec(a.x * s, a.y * s, a.z * s); }
static inline Vec mul(Vec a, Vec b) { return vec(a.x * b.x, a.y * b.y, a.z * b.z); }
static inline double dot(Vec a, Vec b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
static inline Vec normalize(Vec a) { return scale(a, 1.0 / sqrt(dot(a, a))); }

typedef struct {
  Vec color;
  double diffuse, specular, reflect;
  int checkered;
} Material;

typedef struct {
  Vec center;
  double radius;
  Material material;
} Sphere;

typedef struct {
  Vec position;
  Vec color;
} Light;

typedef struct {
  Sphere spheres[SPHERES];
  Light lights[LIGHTS];
  Material ground;  // the plane y = 0
  Vec sky_top, sky_bottom;
} Scene;

typedef struct { Vec origin, direction; } Ray;

typedef struct {
  double t;
  Vec point, normal;
  const Material* material;
} Hit;

typedef struct {
  uint64_t rays, shadow_rays;
} Stats;

static const double EPSILON = 1e-6;
static const double FAR = 1e30;

// Distance along the ray to the sphere, or FAR (the direction is unit length).
static double intersect_sphere(const Sphere* s, const Ray* ray) {
  const Vec oc = sub(ray->origin, s->center);
  const double b = dot(oc, ray->direction);
  const double c = dot(oc, oc) - s->radius * s->radius;
  const double discriminant = b * b - c;
  if (discriminant < 0) return FAR;
  const double root = sqrt(discriminant);
  double t = -b - root;
  if (t > EPSILON) return t;
  t = -b + root;
  return t > EPSILON ? t : FAR;
}

static int closest_hit(const Scene* scene, const Ray* ray, Hit* hit) {
  hit->t = FAR;
  const Sphere* nearest = NULL;
  for (int i = 0; i < SPHERES; ++i) {
    const double t = intersect_sphere(&scene->spheres[i], ray);
    if (t < hit->t) {
      hit->t = t;
      nearest = &scene->spheres[i];
    }
  }
  int ground = 0;
  if (ray->direction.y < -EPSILON) {
    const double t = -ray->origin.y / ray->direction.y;
    if (t > EPSILON && t < hit->t) {
      hit->t = t;
      ground = 1;
    }
  }
  if (hit->t == FAR) return 0;
  hit->point = add(ray->origin, scale(ray->direction, hit->t));
  if (ground) {
    hit->normal = vec(0, 1, 0);
    hit->material = &scene->ground;
  } else {
    hit->normal = scale(sub(hit->point, nearest->center), 1.0 / nearest->radius);
    hit->material = &nearest->material;
  }
  return 1;
}

// Is anything between the point and the light?
static int in_shadow(const Scene* scene, Vec point, Vec to_light, double distance) {
  const Ray ray = {point, to_light};
  for (int i = 0; i < SPHERES; ++i)
    if (intersect_sphere(&scene->spheres[i], &ray) < distance) return 1;
  return 0;
}

static Vec sky(const Scene* scene, Vec direction) {
  const double t = 0.5 * (direction.y + 1.0);
  return add(scale(scene->sky_bottom, 1.0 - t), scale(scene->sky_top, t));
}

static Vec trace(const Scene* scene, const Ray* ray, int depth, Stats* stats) {
  ++stats->rays;
  Hit hit;
  if (!closest_hit(scene, ray, &hit)) return sky(scene, ray->direction);
  const Material* m = hit.material;
  Vec base = m->color;
  if (m->checkered) {
    const int cell = (int)floor(hit.point.x * 0.5) + (int)floor(hit.point.z * 0.5);
    if (cell & 1) base = scale(base, 0.35);
  }
  // Lift the origin of secondary rays off the surface.
  const Vec origin = add(hit.point, scale(hit.normal, 1e-4));
  Vec color = scale(base, 0.08);  // ambient
  for (int l = 0; l < LIGHTS; ++l) {
    const Light* light = &scene->lights[l];
    const Vec to_light = sub(light->position, hit.point);
    const double distance = sqrt(dot(to_light, to_light));
    const Vec direction = scale(to_light, 1.0 / distance);
    const double lambert = dot(hit.normal, direction);
    if (lambert <= 0) continue;
    ++stats->shadow_rays;
    if (in_shadow(scene, origin, direction, distance)) continue;
    color = add(color, scale(mul(base, light->color), m->diffuse * lambert));
    if (m->specular > 0) {
      const Vec half = normalize(sub(direction, ray->direction));
      double s = dot(hit.normal, half);
      if (s > 0) {
        s *= s; s *= s; s *= s; s *= s; s *= s;  // s^32
        color = add(color, scale(light->color, m->specular * s));
      }
    }
  }
  if (m->reflect > 0 && depth < MAX_DEPTH) {
    const Vec d = ray->direction;
    const Ray reflected = {origin, sub(d, scale(hit.normal, 2.0 * dot(d, hit.normal)))};
    color = add(scale(color, 1.0 - m->reflect), scale(trace(scene, &reflected, depth + 1, stats), m->reflect));
  }
  return color;
}

static uint8_t to_byte(double v) {
  if (!(v > 0)) return 0;
  if (v >= 1) return 255;
  return (uint8_t)(v * 255.0 + 0.5);
}

// The scene is data, as in a scene file: literal constants, nothing for the compiler to fold.
// (Computing it from a seeded generator let clang evaluate it at compile time, contracting
// a * b + c into a fused multiply-add there, which gcc's runtime code does not do.)
static const Scene SCENE = {
    .spheres =
        {
            // center, radius, {color, diffuse, specular, reflect, checkered}
            {{0.00, 1.50, -5.50}, 1.50, {{0.75, 0.97, 0.94}, 0.7, 0.5, 0.80, 0}},  // the mirror ball
            {{-2.78, 0.72, -2.36}, 0.72, {{0.79, 0.53, 0.33}, 0.7, 0.5, 0.07, 0}},
            {{-0.23, 0.60, -7.96}, 0.60, {{0.25, 0.41, 0.99}, 0.7, 0.5, 0.07, 0}},
            {{1.35, 0.64, -2.49}, 0.64, {{1.00, 0.25, 0.22}, 0.7, 0.5, 0.80, 0}},
            {{3.25, 0.60, -8.97}, 0.60, {{0.93, 0.22, 0.64}, 0.7, 0.5, 0.06, 0}},
            {{-1.92, 0.73, -4.09}, 0.73, {{0.44, 0.26, 0.72}, 0.7, 0.5, 0.15, 0}},
            {{2.12, 0.77, -4.66}, 0.77, {{0.82, 0.59, 0.77}, 0.7, 0.5, 0.80, 0}},
            {{-2.35, 0.90, -7.21}, 0.90, {{0.22, 0.98, 0.25}, 0.7, 0.5, 0.13, 0}},
            {{-0.42, 0.36, -2.83}, 0.36, {{0.95, 0.73, 0.66}, 0.7, 0.5, 0.16, 0}},
            {{3.68, 0.43, -6.38}, 0.43, {{0.53, 0.51, 0.41}, 0.7, 0.5, 0.80, 0}},
        },
    .lights = {{{-6, 8, 2}, {0.9, 0.85, 0.8}}, {{5, 5, -1}, {0.3, 0.35, 0.5}}},
    .ground = {{0.9, 0.9, 0.9}, 0.8, 0.0, 0.3, 1},
    .sky_top = {0.3, 0.5, 0.9},
    .sky_bottom = {0.9, 0.9, 1.0},
};

int main(void) {
  static Scene scene;
  scene = SCENE;
  uint8_t* image = malloc((size_t)WIDTH * HEIGHT * 3);
  Stats stats = {0, 0};
  const Vec eye = vec(0, 2.0, 3.0);
  const double aspect = (double)WIDTH / HEIGHT;
  const double view = 0.75;  // half the height of the image plane at distance 1

  const double start = bench_now_seconds();
  double total = 0;
  for (int y = 0; y < HEIGHT; ++y) {
    for (int x = 0; x < WIDTH; ++x) {
      Vec pixel = vec(0, 0, 0);
      for (int sy = 0; sy < SAMPLES; ++sy) {
        for (int sx = 0; sx < SAMPLES; ++sx) {
          const double u = ((x + (sx + 0.5) / SAMPLES) / WIDTH * 2.0 - 1.0) * view * aspect;
          const double v = (1.0 - (y + (sy + 0.5) / SAMPLES) / HEIGHT * 2.0) * view;
          const Ray ray = {eye, normalize(vec(u, v - 0.25, -1.0))};
          pixel = add(pixel, trace(&scene, &ray, 0, &stats));
        }
      }
      pixel = scale(pixel, 1.0 / (SAMPLES * SAMPLES));
      total += pixel.x + pixel.y + pixel.z;
      uint8_t* out = image + ((size_t)y * WIDTH + x) * 3;
      out[0] = to_byte(pixel.x);
      out[1] = to_byte(pixel.y);
      out[2] = to_byte(pixel.z);
    }
  }
  uint64_t checksum = bench_mix(bench_mix(bench_mix_double(0, total), stats.rays), stats.shadow_rays);
  for (int y = 0; y < HEIGHT; ++y) {
    uint32_t hash = 2166136261u;
    for (int i = 0; i < WIDTH * 3; ++i) hash = (hash ^ image[y * WIDTH * 3 + i]) * 16777619u;
    checksum = bench_mix(checksum, hash);
  }
  const double seconds = bench_now_seconds() - start;

  bench_report(checksum, seconds);
  free(image);
  return 0;
}
