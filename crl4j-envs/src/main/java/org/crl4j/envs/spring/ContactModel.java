package org.crl4j.envs.spring;

import java.util.ArrayList;
import java.util.List;

import org.crl4j.envs.spring.MjcfModel.Geom;
import org.crl4j.envs.spring.MjcfModel.GeomType;

/**
 * The collision geometry of a compiled model: the link geoms (spheres, capsules) that can touch the static world,
 * and the world's planes and axis-aligned boxes, filtered with MuJoCo's rule (a pair collides when
 * {@code (contype₁ & conaffinity₂) | (contype₂ & conaffinity₁)} is non-zero). Boxes are bucketed in a uniform xy grid
 * by their centres, so a geom looks only at the few boxes near it however large the maze.
 */
public final class ContactModel {

    // link geoms that can touch the world
    final int numGeoms;
    final int[] geomLink;
    final boolean[] capsule;
    final double[] radius, halfLength;
    final double[] localPos;  // [3G] centre in the link frame
    final double[] localAxis; // [3G] capsule axis in the link frame
    final int[][] planesOf;   // per geom: indices of the planes it touches
    final boolean[] touchesBoxes;
    final int[] geomContype, geomConaffinity;
    final double[] geomFriction;

    // link–link pairs (only with link contacts on): two geoms each, geom A first (MJX's order: by type, then link)
    final int numPairs;
    final int[] pairLink;         // [2P]
    final boolean[] pairCapsule;  // [2P]
    final double[] pairRadius, pairHalf; // [2P]
    final double[] pairPos, pairAxis;    // [6P] centre and capsule axis in the link frame
    final double[] pairFriction;  // [P] the larger of the two

    // static planes
    final double[] planePoint, planeNormal, planeFriction; // [3P], [3P], [P]

    // static axis-aligned boxes and their grid
    final int numBoxes;
    final double[] boxCentre, boxHalf, boxFriction; // [3B], [3B], [B]
    final int[] boxContype, boxConaffinity;
    final double gridX0, gridY0, cell, maxHalfXY;
    final int gridNx, gridNy;
    final int[] cellStart, cellBoxes; // CSR: boxes of cell c are cellBoxes[cellStart[c] .. cellStart[c + 1])

    /** {@code parentForPairs}: the links' parents to build link–link pairs with, or null for none. */
    ContactModel(List<Geom> linkGeoms, List<Integer> link, List<Geom> world, int[] parentForPairs) {
        List<double[]> planes = new ArrayList<>();
        List<Geom> planeGeoms = new ArrayList<>();
        List<Geom> boxes = new ArrayList<>();
        for (Geom w : world) {
            if (w.contype() == 0 && w.conaffinity() == 0) {
                continue;
            }
            switch (w.type()) {
                case PLANE -> {
                    planes.add(Quat.rotate(w.quat(), new double[] {0, 0, 1}));
                    planeGeoms.add(w);
                }
                case BOX -> {
                    double[] q = w.quat();
                    if (!(Math.abs(q[0]) > 1 - 1e-9)) {
                        throw new IllegalArgumentException("world box '" + w.name() + "' is rotated; only "
                                + "axis-aligned static boxes are supported");
                    }
                    boxes.add(w);
                }
                default -> throw new IllegalArgumentException("static " + w.type().name().toLowerCase()
                        + " geom '" + w.name() + "' can collide; only planes and boxes are supported in the world");
            }
        }
        int np = planes.size();
        planePoint = new double[3 * np];
        planeNormal = new double[3 * np];
        planeFriction = new double[np];
        int[] planeCt = new int[np];
        int[] planeCa = new int[np];
        for (int p = 0; p < np; p++) {
            System.arraycopy(planeGeoms.get(p).pos(), 0, planePoint, 3 * p, 3);
            System.arraycopy(planes.get(p), 0, planeNormal, 3 * p, 3);
            planeFriction[p] = planeGeoms.get(p).friction();
            planeCt[p] = planeGeoms.get(p).contype();
            planeCa[p] = planeGeoms.get(p).conaffinity();
        }
        numBoxes = boxes.size();
        boxCentre = new double[3 * numBoxes];
        boxHalf = new double[3 * numBoxes];
        boxFriction = new double[numBoxes];
        boxContype = new int[numBoxes];
        boxConaffinity = new int[numBoxes];
        double minX = Double.POSITIVE_INFINITY, minY = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY, maxY = Double.NEGATIVE_INFINITY, maxHalf = 0;
        for (int b = 0; b < numBoxes; b++) {
            Geom w = boxes.get(b);
            System.arraycopy(w.pos(), 0, boxCentre, 3 * b, 3);
            System.arraycopy(w.size(), 0, boxHalf, 3 * b, 3);
            boxFriction[b] = w.friction();
            boxContype[b] = w.contype();
            boxConaffinity[b] = w.conaffinity();
            minX = Math.min(minX, w.pos()[0]);
            minY = Math.min(minY, w.pos()[1]);
            maxX = Math.max(maxX, w.pos()[0]);
            maxY = Math.max(maxY, w.pos()[1]);
            maxHalf = Math.max(maxHalf, Math.max(w.size()[0], w.size()[1]));
        }
        if (numBoxes > 0) {
            cell = Math.max(2 * maxHalf, 1e-3);
            gridX0 = minX - cell / 2;
            gridY0 = minY - cell / 2;
            gridNx = (int) Math.floor((maxX - gridX0) / cell) + 1;
            gridNy = (int) Math.floor((maxY - gridY0) / cell) + 1;
            int[] counts = new int[gridNx * gridNy + 1];
            int[] cellOf = new int[numBoxes];
            for (int b = 0; b < numBoxes; b++) {
                int cx = (int) Math.floor((boxCentre[3 * b] - gridX0) / cell);
                int cy = (int) Math.floor((boxCentre[3 * b + 1] - gridY0) / cell);
                cellOf[b] = cx * gridNy + cy;
                counts[cellOf[b] + 1]++;
            }
            for (int c = 0; c < gridNx * gridNy; c++) {
                counts[c + 1] += counts[c];
            }
            cellStart = counts.clone();
            cellBoxes = new int[numBoxes];
            int[] fill = counts.clone();
            for (int b = 0; b < numBoxes; b++) {
                cellBoxes[fill[cellOf[b]]++] = b;
            }
        } else {
            cell = 1;
            gridX0 = 0;
            gridY0 = 0;
            gridNx = 0;
            gridNy = 0;
            cellStart = new int[1];
            cellBoxes = new int[0];
        }
        maxHalfXY = maxHalf;

        // Link geoms that touch at least one static geom.
        List<Integer> keep = new ArrayList<>();
        List<int[]> keepPlanes = new ArrayList<>();
        List<Boolean> keepBoxes = new ArrayList<>();
        for (int i = 0; i < linkGeoms.size(); i++) {
            Geom g = linkGeoms.get(i);
            List<Integer> ps = new ArrayList<>();
            for (int p = 0; p < np; p++) {
                if (collides(g.contype(), g.conaffinity(), planeCt[p], planeCa[p])) {
                    ps.add(p);
                }
            }
            boolean anyBox = false;
            for (int b = 0; b < numBoxes; b++) {
                anyBox |= collides(g.contype(), g.conaffinity(), boxContype[b], boxConaffinity[b]);
            }
            if (ps.isEmpty() && !anyBox) {
                continue;
            }
            if (g.type() != GeomType.SPHERE && g.type() != GeomType.CAPSULE) {
                throw new IllegalArgumentException("link geom '" + g.name() + "' of type " + g.type()
                        + " can collide; only spheres and capsules are supported on moving links");
            }
            keep.add(i);
            keepPlanes.add(ps.stream().mapToInt(Integer::intValue).toArray());
            keepBoxes.add(anyBox);
        }
        numGeoms = keep.size();
        geomLink = new int[numGeoms];
        capsule = new boolean[numGeoms];
        radius = new double[numGeoms];
        halfLength = new double[numGeoms];
        localPos = new double[3 * numGeoms];
        localAxis = new double[3 * numGeoms];
        planesOf = new int[numGeoms][];
        touchesBoxes = new boolean[numGeoms];
        geomContype = new int[numGeoms];
        geomConaffinity = new int[numGeoms];
        geomFriction = new double[numGeoms];
        for (int k = 0; k < numGeoms; k++) {
            Geom g = linkGeoms.get(keep.get(k));
            geomLink[k] = link.get(keep.get(k));
            capsule[k] = g.type() == GeomType.CAPSULE;
            radius[k] = g.size()[0];
            halfLength[k] = capsule[k] ? g.size()[1] : 0;
            System.arraycopy(g.pos(), 0, localPos, 3 * k, 3);
            System.arraycopy(Quat.rotate(g.quat(), new double[] {0, 0, 1}), 0, localAxis, 3 * k, 3);
            planesOf[k] = keepPlanes.get(k);
            touchesBoxes[k] = keepBoxes.get(k);
            geomContype[k] = g.contype();
            geomConaffinity[k] = g.conaffinity();
            geomFriction[k] = g.friction();
        }

        List<int[]> pairs = parentForPairs == null ? List.of() : linkPairs(linkGeoms, link, parentForPairs);
        numPairs = pairs.size();
        pairLink = new int[2 * numPairs];
        pairCapsule = new boolean[2 * numPairs];
        pairRadius = new double[2 * numPairs];
        pairHalf = new double[2 * numPairs];
        pairPos = new double[6 * numPairs];
        pairAxis = new double[6 * numPairs];
        pairFriction = new double[numPairs];
        for (int p = 0; p < numPairs; p++) {
            for (int side = 0; side < 2; side++) {
                int gi = pairs.get(p)[side];
                Geom g = linkGeoms.get(gi);
                if (g.type() != GeomType.SPHERE && g.type() != GeomType.CAPSULE) {
                    throw new IllegalArgumentException("link geom '" + g.name() + "' of type " + g.type()
                            + " collides with another link; only spheres and capsules are supported");
                }
                int k = 2 * p + side;
                pairLink[k] = link.get(gi);
                pairCapsule[k] = g.type() == GeomType.CAPSULE;
                pairRadius[k] = g.size()[0];
                pairHalf[k] = pairCapsule[k] ? g.size()[1] : 0;
                System.arraycopy(g.pos(), 0, pairPos, 3 * k, 3);
                System.arraycopy(Quat.rotate(g.quat(), new double[] {0, 0, 1}), 0, pairAxis, 3 * k, 3);
            }
            pairFriction[p] = Math.max(linkGeoms.get(pairs.get(p)[0]).friction(),
                    linkGeoms.get(pairs.get(p)[1]).friction());
        }
    }

    /**
     * The link–link geom pairs MuJoCo's filter admits: the contype/conaffinity mask, not on one link, not on a
     * parent and its child (MJX's filterparent; checked on the fused links, which for the built-in models is the
     * same as on MuJoCo's bodies). Each pair is {geom A, geom B} with A the geom of lower type (sphere before
     * capsule), then of lower link: MJX's order, which makes the normal point from A to B.
     */
    static List<int[]> linkPairs(List<Geom> geoms, List<Integer> link, int[] parent) {
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < geoms.size(); i++) {
            for (int j = i + 1; j < geoms.size(); j++) {
                int a = link.get(i), b = link.get(j);
                if (a == b || parent[a] == b || parent[b] == a) {
                    continue;
                }
                Geom g = geoms.get(i), h = geoms.get(j);
                if (!collides(g.contype(), g.conaffinity(), h.contype(), h.conaffinity())) {
                    continue;
                }
                int tg = typeOrder(g.type()), th = typeOrder(h.type());
                boolean swap = tg > th || (tg == th && a > b);
                out.add(swap ? new int[] {j, i} : new int[] {i, j});
            }
        }
        return out;
    }

    private static int typeOrder(GeomType t) {
        return switch (t) {
            case PLANE -> 0;
            case SPHERE -> 2;
            case CAPSULE -> 3;
            case BOX -> 6;
        };
    }

    /** Number of link–link geom pairs that collide. */
    public int numPairs() {
        return numPairs;
    }

    static boolean collides(int ct1, int ca1, int ct2, int ca2) {
        return ((ct1 & ca2) | (ct2 & ca1)) != 0;
    }

    /** Number of link geoms that can touch the world. */
    public int numGeoms() {
        return numGeoms;
    }

    public int geomLink(int g) {
        return geomLink[g];
    }

    public double geomRadius(int g) {
        return radius[g];
    }

    public boolean isCapsule(int g) {
        return capsule[g];
    }

    public int numBoxes() {
        return numBoxes;
    }

    /**
     * Signed distance from a point to the nearest static surface this geom touches (planes and boxes), minus
     * nothing: negative inside. For tests and diagnostics, not the hot loop.
     */
    public double clearance(int g, double x, double y, double z) {
        double best = wallClearance(g, x, y, z);
        for (int p : planesOf[g]) {
            double d = (x - planePoint[3 * p]) * planeNormal[3 * p] + (y - planePoint[3 * p + 1])
                    * planeNormal[3 * p + 1] + (z - planePoint[3 * p + 2]) * planeNormal[3 * p + 2];
            best = Math.min(best, d);
        }
        return best;
    }

    /** As {@link #clearance} but for the static boxes (maze walls) only: +infinity where there are none. */
    public double wallClearance(int g, double x, double y, double z) {
        double best = Double.POSITIVE_INFINITY;
        if (touchesBoxes[g]) {
            for (int b = 0; b < numBoxes; b++) {
                if (!collides(geomContype[g], geomConaffinity[g], boxContype[b], boxConaffinity[b])) {
                    continue;
                }
                double dx = Math.abs(x - boxCentre[3 * b]) - boxHalf[3 * b];
                double dy = Math.abs(y - boxCentre[3 * b + 1]) - boxHalf[3 * b + 1];
                double dz = Math.abs(z - boxCentre[3 * b + 2]) - boxHalf[3 * b + 2];
                double out = Math.sqrt(sq(Math.max(dx, 0)) + sq(Math.max(dy, 0)) + sq(Math.max(dz, 0)));
                best = Math.min(best, out > 0 ? out : Math.max(dx, Math.max(dy, dz)));
            }
        }
        return best;
    }

    private static double sq(double v) {
        return v * v;
    }
}
