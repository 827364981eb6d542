"""The teacher's picture passwords for a class: give, change, and print login cards."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from portal.auth.access import roles_required
from portal.classroom import forms, service
from portal.classroom.pictures import picture_choices, picture_named
from portal.extensions import db
from portal.people.classes import class_or_403, class_roll
from portal.people.models import Pupil
from portal.people.names import short_names
from portal.people.roles import CLASS_STAFF

bp = Blueprint("pictures", __name__)


@bp.get("/teach/classes/<int:class_id>/pictures")
@roles_required(*CLASS_STAFF)
def class_pictures(class_id: int):
    school_class = class_or_403(class_id)
    return render_template(
        "classroom/manage_pictures.html",
        school_class=school_class,
        pupils=class_roll(class_id),
        choices=picture_choices(),
        picture_named=picture_named,
    )


@bp.post("/teach/classes/<int:class_id>/pictures")
@roles_required(*CLASS_STAFF)
def give_pictures(class_id: int):
    school_class, form = class_or_403(class_id), forms.GivePicturesForm()
    if not form.validate():
        abort(400)
    count = service.reset_pictures(school_class, everyone=form.which.data == "everyone")
    db.session.commit()
    flash(f"{count} {'pupil has' if count == 1 else 'pupils have'} a new picture.", "success")
    return redirect(url_for("pictures.class_pictures", class_id=class_id))


@bp.post("/teach/classes/<int:class_id>/pictures/<int:pupil_id>")
@roles_required(*CLASS_STAFF)
def pupil_picture(class_id: int, pupil_id: int):
    class_or_403(class_id)
    pupil, form = db.get_or_404(Pupil, pupil_id), forms.PupilPictureForm()
    if pupil.class_id != class_id:
        abort(404)
    if not form.validate():
        abort(400)
    if form.picture.data == forms.RANDOM:
        service.new_picture(pupil)
    else:
        service.set_picture(pupil, form.picture.data)
    db.session.commit()
    flash(f"{pupil.full_name}'s picture is now the {picture_named(pupil.picture).name}.", "success")
    return redirect(url_for("pictures.class_pictures", class_id=class_id))


@bp.get("/teach/classes/<int:class_id>/cards")
@roles_required(*CLASS_STAFF)
def cards(class_id: int):
    school_class, pupils = class_or_403(class_id), class_roll(class_id)
    return render_template(
        "classroom/cards.html",
        school_class=school_class,
        pupils=pupils,
        names=short_names(pupils),
        picture_named=picture_named,
    )
