package org.crl4j.envs.spring;

/**
 * Scratch arrays for stepping one environment at a time, one workspace per worker chunk so that chunks never share
 * scratch and nothing is allocated per step. Sized by the number of links.
 */
final class Workspace {
    final double[] rot;                    // [9L] row-major rotation of each link
    final double[] ox, oy, oz;             // link frame origins (world)
    final double[] fx, fy, fz, tx, ty, tz; // joint forces and torques at the centres of mass
    final double[] px, py, pz, lx, ly, lz; // contact impulses (linear, angular) at the centres of mass
    final double[] contactCount;           // contacts applied per link in this substep
    final double[] tau;                    // [qd] motor torque on each degree of freedom for this control step
    final double[] hinge = new double[StackedHinges.SIZE]; // frames and angles of one stacked-hinge joint
    final double[] hinge3 = new double[3];
    final double[] slideForce = new double[3];
    final double[] pair = new double[24]; // one link–link pair: both segments, the closest points, scratch

    Workspace(int links, int dofs) {
        rot = new double[9 * links];
        ox = new double[links];
        oy = new double[links];
        oz = new double[links];
        fx = new double[links];
        fy = new double[links];
        fz = new double[links];
        tx = new double[links];
        ty = new double[links];
        tz = new double[links];
        px = new double[links];
        py = new double[links];
        pz = new double[links];
        lx = new double[links];
        ly = new double[links];
        lz = new double[links];
        contactCount = new double[links];
        tau = new double[dofs];
    }
}
